//! Wallet's one message catalogue: every [`ErrorCode`] and the CLI's texts, in English,
//! Simplified Chinese and Traditional Chinese, as Fluent (`.ftl`) files under `locales/`.
//!
//! The same files serve every surface: this crate embeds them for the CLI and the SDK
//! (`message(lang)` on the FFI error), and the desktop UI imports them through
//! `@fluent/bundle` (`ui/src/i18n/errors.ts`). An error message's id is its wire code
//! (`PIN_WRONG`); a CLI text's id is kebab-case (`confirm-transfer`). See `README.md`.
//!
//! ```
//! use wallet_i18n::{error_message, text, Lang};
//! use wallet_protocol::ErrorCode;
//!
//! assert_eq!(error_message(ErrorCode::PinWrong, Lang::parse("zh_TW.UTF-8")),
//!            "支付密碼錯誤，請重試。連續輸錯 5 次將鎖定 3 小時。");
//! assert_eq!(text(Lang::En, "monthly-left", &[("amount", "¥20.00")]), "¥20.00 left this month");
//! ```

use std::sync::OnceLock;

use fluent_bundle::{concurrent::FluentBundle, FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;
use wallet_protocol::ErrorCode;

/// A language the catalogue is written in. Anything else is shown in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    /// Simplified Chinese (mainland China, Singapore).
    ZhCn,
    /// Traditional Chinese (Taiwan, Hong Kong, Macau).
    ZhTw,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhCn, Lang::ZhTw];

    /// A BCP 47 tag or a POSIX locale, forgivingly: `zh-CN`, `zh_CN.UTF-8`, `zh-Hans`, `zh-SG`
    /// and a bare `zh` are Simplified; `zh-TW`, `zh-HK`, `zh-MO` and `zh-Hant` Traditional (a
    /// script subtag wins over the region: `zh-Hant-CN` is Traditional); anything else,
    /// including an empty tag or `C`, is English. The same rule as the desktop UI's
    /// `matchLocale`.
    pub fn parse(tag: &str) -> Lang {
        // `zh_TW.UTF-8@euro`: the codeset and modifier say nothing about the language.
        let tag = tag.split(['.', '@']).next().unwrap_or_default();
        let mut parts = tag.split(['-', '_']).map(str::to_ascii_lowercase);
        if parts.next().as_deref() != Some("zh") {
            return Lang::En;
        }
        let rest: Vec<String> = parts.collect();
        let has = |s: &str| rest.iter().any(|p| p == s);
        if has("hans") {
            Lang::ZhCn
        } else if has("hant") || has("tw") || has("hk") || has("mo") {
            Lang::ZhTw
        } else {
            Lang::ZhCn
        }
    }

    /// The BCP 47 tag the catalogue's folder is named after: `en`, `zh-CN`, `zh-TW`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::ZhCn => 1,
            Lang::ZhTw => 2,
        }
    }
}

/// Where a message is shown, for the hints only one surface can give (a Fluent attribute of
/// the error's message: `.cli` names a command to run, `.desktop` a screen to open). SDK hosts
/// get the message alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Cli,
    Desktop,
}

impl Surface {
    fn attribute(self) -> &'static str {
        match self {
            Surface::Cli => "cli",
            Surface::Desktop => "desktop",
        }
    }
}

/// One `.ftl` file of the catalogue: its language, its name (`errors.ftl`, `cli.ftl`) and text.
#[derive(Debug, Clone, Copy)]
pub struct CatalogueFile {
    pub lang: Lang,
    pub name: &'static str,
    pub source: &'static str,
}

macro_rules! files {
    ($($lang:expr, $dir:literal;)*) => {
        /// Every file of the catalogue, embedded in the binary.
        pub const FILES: &[CatalogueFile] = &[$(
            CatalogueFile {
                lang: $lang,
                name: "errors.ftl",
                source: include_str!(concat!("../locales/", $dir, "/errors.ftl")),
            },
            CatalogueFile {
                lang: $lang,
                name: "cli.ftl",
                source: include_str!(concat!("../locales/", $dir, "/cli.ftl")),
            },
        )*];
    };
}

files! {
    Lang::En, "en";
    Lang::ZhCn, "zh-CN";
    Lang::ZhTw, "zh-TW";
}

type Bundle = FluentBundle<FluentResource>;

/// One bundle per language, parsed on first use (about a millisecond) and kept.
static BUNDLES: [OnceLock<Bundle>; 3] = [const { OnceLock::new() }; 3];

fn bundle(lang: Lang) -> &'static Bundle {
    BUNDLES[lang.index()].get_or_init(|| {
        let id: LanguageIdentifier = lang.tag().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Fluent wraps every argument in Unicode isolation marks (U+2068 … U+2069) so that a
        // right-to-left name cannot reorder the sentence around it. Our three languages are
        // left-to-right, terminals do not apply the marks (they show up as stray characters,
        // and the CLI prints them escaped as `\u{2068}`), and the tests compare plain strings.
        bundle.set_use_isolating(false);
        for file in FILES.iter().filter(|f| f.lang == lang) {
            // A syntax error drops only the broken entry; the catalogue's tests fail on any.
            let resource = FluentResource::try_new(file.source.to_owned())
                .unwrap_or_else(|(resource, _errors)| resource);
            // Ids are unique across a language's files (tested); a clash keeps the first.
            let _ = bundle.add_resource(resource);
        }
        bundle
    })
}

/// Formats `id` (its value, or its attribute `attr`) in `lang`; `None` when it is not there.
fn format(lang: Lang, id: &str, attr: Option<&str>, args: &[(&str, &str)]) -> Option<String> {
    let bundle = bundle(lang);
    let message = bundle.get_message(id)?;
    let pattern = match attr {
        None => message.value()?,
        Some(key) => message.get_attribute(key)?.value(),
    };
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent_args.set(*name, *value);
    }
    // A missing argument shows as `{$name}` in the text; the tests check every call's names.
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    Some(text.into_owned())
}

/// What to tell a person about `code`, in `lang`: a full sentence that says what happened and
/// what to do, without surface-specific directions (see [`error_hint`]). Falls back to
/// English, then to the code's English title, so it is never empty.
pub fn error_message(code: ErrorCode, lang: Lang) -> String {
    format(lang, code.as_str(), None, &[])
        .or_else(|| format(Lang::En, code.as_str(), None, &[]))
        .unwrap_or_else(|| code.title().to_owned())
}

/// A hint for `code` that only `surface` can give (`wallet unfreeze`; "under Account
/// security"), shown after [`error_message`]; `None` for most codes.
pub fn error_hint(code: ErrorCode, lang: Lang, surface: Surface) -> Option<String> {
    format(lang, code.as_str(), Some(surface.attribute()), &[])
}

/// A text of the catalogue by id, with its arguments (`{ $amount }`) filled in from `args`
/// (already formatted: money, times and counts arrive as strings). Falls back to English,
/// then to the id itself.
pub fn text(lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
    format(lang, id, None, args)
        .or_else(|| format(Lang::En, id, None, args))
        .unwrap_or_else(|| id.to_owned())
}

/// Whether `lang`'s catalogue has a message `id` with a value (no fallback).
pub fn has_text(lang: Lang, id: &str) -> bool {
    bundle(lang)
        .get_message(id)
        .is_some_and(|m| m.value().is_some())
}
