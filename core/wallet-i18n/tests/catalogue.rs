//! The catalogue is complete and consistent: every code has a message in every language, the
//! three languages have the same ids and the same placeholders, and every file parses.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{self, Entry, Expression, InlineExpression, Pattern, PatternElement};
use wallet_i18n::{error_hint, error_message, has_text, text, Lang, Surface, FILES};
use wallet_protocol::ErrorCode;

/// Every file, parsed by Fluent's own parser; a syntax error fails the test with its place.
fn parsed() -> Vec<(Lang, &'static str, ast::Resource<&'static str>)> {
    FILES
        .iter()
        .map(|f| match fluent_syntax::parser::parse(f.source) {
            Ok(resource) => (f.lang, f.name, resource),
            Err((_, errors)) => panic!("{}/{}: {errors:?}", f.lang.tag(), f.name),
        })
        .collect()
}

fn variables_in(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            variables_in_expression(expression, out);
        }
    }
}

fn variables_in_expression(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => variables_in_inline(inline, out),
        Expression::Select { selector, variants } => {
            variables_in_inline(selector, out);
            for v in variants {
                variables_in(&v.value, out);
            }
        }
    }
}

fn variables_in_inline(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(format!("${}", id.name));
        }
        InlineExpression::Placeable { expression } => variables_in_expression(expression, out),
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                variables_in_inline(a, out);
            }
            for a in &arguments.named {
                variables_in_inline(&a.value, out);
            }
        }
        // A reference to another message or term: the same in every language is checked by
        // the id comparison; none is used today.
        InlineExpression::MessageReference { id, .. }
        | InlineExpression::TermReference { id, .. } => {
            out.insert(format!("ref:{}", id.name));
        }
        InlineExpression::StringLiteral { .. } | InlineExpression::NumberLiteral { .. } => {}
    }
}

/// `file → id (and id.attribute) → the variables it uses`, per language.
type Ids = BTreeMap<String, BTreeSet<String>>;

fn ids(resource: &ast::Resource<&str>) -> Ids {
    let mut ids = Ids::new();
    for entry in &resource.body {
        let (id, value, attributes) = match entry {
            Entry::Message(m) => (m.id.name.to_owned(), m.value.as_ref(), &m.attributes),
            Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
            Entry::Junk { content } => panic!("junk in the catalogue: {content}"),
            _ => continue,
        };
        let mut vars = BTreeSet::new();
        if let Some(v) = value {
            variables_in(v, &mut vars);
        }
        assert!(ids.insert(id.clone(), vars).is_none(), "{id} twice");
        for a in attributes {
            let mut vars = BTreeSet::new();
            variables_in(&a.value, &mut vars);
            ids.insert(format!("{id}.{}", a.id.name), vars);
        }
    }
    ids
}

fn by_file() -> BTreeMap<&'static str, BTreeMap<&'static str, Ids>> {
    let mut out: BTreeMap<&str, BTreeMap<&str, Ids>> = BTreeMap::new();
    for (lang, name, resource) in parsed() {
        out.entry(name)
            .or_default()
            .insert(lang.tag(), ids(&resource));
    }
    out
}

#[test]
fn every_file_parses_and_no_id_is_in_two_files() {
    let files = by_file();
    assert_eq!(files.len(), 2, "errors.ftl and cli.ftl");
    for lang in Lang::ALL {
        let mut seen = BTreeSet::new();
        for (name, langs) in &files {
            let ids = langs
                .get(lang.tag())
                .unwrap_or_else(|| panic!("no {name} in {lang:?}"));
            for id in ids.keys() {
                assert!(seen.insert(id.clone()), "{id} in two files of {lang:?}");
            }
        }
    }
    // The bundle itself accepts every file without an error (what the programs load).
    for f in FILES {
        let resource = fluent_bundle::FluentResource::try_new(f.source.to_owned());
        assert!(resource.is_ok(), "{}/{}", f.lang.tag(), f.name);
    }
}

#[test]
fn every_error_code_has_a_message_in_every_language() {
    for &code in ErrorCode::ALL {
        for lang in Lang::ALL {
            assert!(
                has_text(lang, code.as_str()),
                "{code} has no message in {lang:?}"
            );
            let message = error_message(code, lang);
            assert!(!message.trim().is_empty(), "{code} in {lang:?}");
            assert!(
                !message.contains(code.as_str()),
                "{code} in {lang:?} names its code"
            );
        }
        // Chinese is Chinese: not the English text copied over.
        let en = error_message(code, Lang::En);
        assert_ne!(error_message(code, Lang::ZhCn), en, "{code}");
        assert_ne!(error_message(code, Lang::ZhTw), en, "{code}");
    }
}

#[test]
fn errors_ftl_holds_only_error_codes_and_no_arguments() {
    let codes: BTreeSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    for (lang, ids) in &by_file()["errors.ftl"] {
        for (id, vars) in ids {
            let code = id.split('.').next().unwrap_or_default();
            assert!(codes.contains(code), "{lang}: {id} is not an error code");
            // The SDK's `message(lang)` and the UI pass no arguments.
            assert!(vars.is_empty(), "{lang}: {id} uses {vars:?}");
        }
        let attributes: BTreeSet<&str> = ids
            .keys()
            .filter_map(|id| id.split_once('.').map(|(_, a)| a))
            .collect();
        assert!(
            attributes.is_subset(&BTreeSet::from(["cli", "desktop"])),
            "{lang}: {attributes:?}"
        );
    }
}

/// Same ids (and attributes) in all three languages, file by file, and the same placeholders
/// in each message: a translation that drops `{ $amount }` or adds one fails here.
#[test]
fn the_languages_have_the_same_ids_and_placeholders() {
    for (name, langs) in by_file() {
        let en = &langs["en"];
        for (lang, ids) in &langs {
            let missing: Vec<_> = en.keys().filter(|id| !ids.contains_key(*id)).collect();
            let extra: Vec<_> = ids.keys().filter(|id| !en.contains_key(*id)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{lang}/{name}: missing {missing:?}, not in English {extra:?}"
            );
            for (id, vars) in ids {
                assert_eq!(vars, &en[id], "{lang}/{name}: {id}");
            }
        }
    }
}

#[test]
fn languages_are_parsed_like_the_ui_does() {
    for (tag, want) in [
        ("zh-CN", Lang::ZhCn),
        ("zh_CN", Lang::ZhCn),
        ("zh_CN.UTF-8", Lang::ZhCn),
        ("zh-Hans", Lang::ZhCn),
        ("zh-Hans-HK", Lang::ZhCn),
        ("zh-SG", Lang::ZhCn),
        ("zh", Lang::ZhCn),
        ("ZH-cn", Lang::ZhCn),
        ("zh-TW", Lang::ZhTw),
        ("zh_TW.UTF-8", Lang::ZhTw),
        ("zh-Hant", Lang::ZhTw),
        ("zh-Hant-CN", Lang::ZhTw),
        ("zh-HK", Lang::ZhTw),
        ("zh_HK.Big5@euro", Lang::ZhTw),
        ("zh-MO", Lang::ZhTw),
        ("en-US", Lang::En),
        ("en", Lang::En),
        ("fr-FR", Lang::En),
        ("C", Lang::En),
        ("C.UTF-8", Lang::En),
        ("", Lang::En),
        ("zhx-CN", Lang::En),
    ] {
        assert_eq!(Lang::parse(tag), want, "{tag:?}");
    }
    for lang in Lang::ALL {
        assert_eq!(Lang::parse(lang.tag()), lang);
    }
}

#[test]
fn arguments_are_filled_without_isolation_marks() {
    let args = [("amount", "¥1.00"), ("recipient", "*明")];
    assert_eq!(
        text(Lang::En, "confirm-transfer", &args),
        "Send ¥1.00 to *明? [y/N]"
    );
    let zh = text(Lang::ZhCn, "confirm-transfer", &args);
    assert_eq!(zh, "向 *明 转账 ¥1.00？[y/N]");
    assert!(!zh.contains(['\u{2068}', '\u{2069}']), "{zh:?}");
}

#[test]
fn what_is_missing_falls_back_to_english_then_the_id() {
    assert_eq!(text(Lang::ZhTw, "no-such-text", &[]), "no-such-text");
    assert!(!has_text(Lang::En, "no-such-text"));
    assert_eq!(text(Lang::En, "ok", &[]), "ok");
    assert_eq!(text(Lang::ZhTw, "ok", &[]), "正確");
}

#[test]
fn hints_belong_to_one_surface() {
    let cli = error_hint(ErrorCode::AccountFrozen, Lang::En, Surface::Cli);
    assert!(cli.is_some_and(|h| h.contains("wallet unfreeze")));
    let desktop = error_hint(ErrorCode::AccountFrozen, Lang::ZhTw, Surface::Desktop);
    assert!(desktop.is_some_and(|h| h.contains("帳戶安全")));
    // The message itself names no command and no screen: SDK hosts show it as it is.
    assert!(!error_message(ErrorCode::AccountFrozen, Lang::En).contains("wallet "));
    assert_eq!(
        error_hint(ErrorCode::PinWrong, Lang::En, Surface::Cli),
        None
    );
}
