//! Our own merchant codes: generation, and the strict checks a code claiming our template must
//! pass to be payable (every rule of the spec, plus ours).

use super::emv::{self, Builder, Mpm};
use super::{QrError, WalletMerchant, WalletQr, WALLET_GUID};
use crate::money::{Currency, Money};

/// Longest reference label (62/05) the spec allows, in characters.
pub const MAX_REFERENCE_LABEL: usize = 25;

fn invalid(tag: &str, reason: &'static str) -> QrError {
    QrError::InvalidField {
        tag: tag.to_owned(),
        reason,
    }
}

fn missing(tag: &str) -> QrError {
    QrError::MissingField {
        tag: tag.to_owned(),
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic())
}

fn chars_within(s: &str, min: usize, max: usize) -> bool {
    let n = s.chars().count();
    (min..=max).contains(&n)
}

/// What our dynamic codes carry in 62/05: the order id, or its last 25 characters when it is
/// longer (the spec caps the reference label at 25; 26/02 holds the whole id).
pub fn reference_label(order_id: &str) -> &str {
    let n = order_id.chars().count();
    if n <= MAX_REFERENCE_LABEL {
        return order_id;
    }
    let skip = n - MAX_REFERENCE_LABEL;
    let start = order_id
        .char_indices()
        .nth(skip)
        .map_or(order_id.len(), |(i, _)| i);
    &order_id[start..]
}

/// Our GUID anywhere but tag 26 is a malformed or forged code of ours.
pub(crate) fn check_guid_not_misplaced(m: &Mpm<'_>) -> Result<(), QrError> {
    for tag in 27u8..=51 {
        if m.sub(tag, 0)
            .is_some_and(|g| g.eq_ignore_ascii_case(WALLET_GUID))
        {
            return Err(invalid(
                &emv::tag_str(tag),
                "our merchant template belongs in tag 26",
            ));
        }
    }
    Ok(())
}

/// Checks a code that carries our template in tag 26 against every rule; returns our fields.
pub(crate) fn validate(m: &Mpm<'_>) -> Result<WalletQr, QrError> {
    check_guid_not_misplaced(m)?;
    if m.payload().chars().count() > emv::MAX_PAYLOAD_CHARS {
        return Err(invalid("payload", "longer than 512 characters"));
    }
    // No empty data object anywhere.
    for t in m.fields() {
        if t.value.is_empty() {
            return Err(invalid(&emv::tag_str(t.tag), "empty"));
        }
        if emv::is_template_tag(t.tag) {
            for s in emv::tlvs(t.value).map_while(Result::ok) {
                if s.value.is_empty() {
                    return Err(invalid(&format!("{:02}/{:02}", t.tag, s.tag), "empty"));
                }
            }
        }
    }
    let dynamic = match m.get(1) {
        Some("11") => false,
        Some("12") => true,
        Some(_) => return Err(invalid("01", "the point of initiation must be 11 or 12")),
        None => return Err(missing("01")),
    };
    for tag in [52u8, 53, 58, 59, 60] {
        if m.get(tag).is_none() {
            return Err(missing(&emv::tag_str(tag)));
        }
    }
    if m.get(53) != Some(Currency::Cny.numeric()) {
        return Err(invalid("53", "our codes are in CNY (156)"));
    }
    if m.get(58) != Some("CN") {
        return Err(invalid("58", "our codes are for country CN"));
    }
    if !m.get(59).is_some_and(|v| chars_within(v, 1, 25)) {
        return Err(invalid(
            "59",
            "the merchant name must be 1 to 25 characters",
        ));
    }
    if !m.get(60).is_some_and(|v| chars_within(v, 1, 15)) {
        return Err(invalid(
            "60",
            "the merchant city must be 1 to 15 characters",
        ));
    }
    if m.get(61).is_some_and(|v| !chars_within(v, 1, 10)) {
        return Err(invalid("61", "the postal code must be 1 to 10 characters"));
    }
    for tag in [55u8, 56, 57] {
        if m.get(tag).is_some() {
            return Err(invalid(&emv::tag_str(tag), "our codes carry no tip or fee"));
        }
    }

    // Our template: 00 GUID, 01 merchant id, 02 order id (dynamic only), nothing else.
    let template = m.get(26).ok_or_else(|| missing("26"))?;
    let mut merchant_id = None;
    let mut order_id = None;
    for s in emv::tlvs(template).map_while(Result::ok) {
        match s.tag {
            0 => {}
            1 => merchant_id = Some(s.value),
            2 => order_id = Some(s.value),
            _ => {
                return Err(QrError::InvalidField {
                    tag: format!("26/{:02}", s.tag),
                    reason: "not a field of our merchant template",
                })
            }
        }
    }
    let merchant_id = merchant_id.ok_or_else(|| missing("26/01"))?;
    if !is_id(merchant_id) {
        return Err(invalid("26/01", "the merchant id must be printable ASCII"));
    }
    let amount = m.get(54);
    let label = m.sub(62, 5);
    if dynamic {
        let order = order_id.ok_or_else(|| missing("26/02"))?;
        if !is_id(order) {
            return Err(invalid("26/02", "the order id must be printable ASCII"));
        }
        let amount = amount.ok_or_else(|| missing("54"))?;
        match emv::amount_minor(amount, Currency::Cny.exponent()) {
            Some(0) => return Err(invalid("54", "the amount must not be zero")),
            Some(_) => {}
            None => return Err(invalid("54", "the amount has more than 2 decimals")),
        }
        match label {
            None => return Err(missing("62/05")),
            Some(l) if l != reference_label(order) => {
                return Err(invalid("62/05", "the reference label is not the order id"))
            }
            Some(_) => {}
        }
    } else {
        if order_id.is_some() {
            return Err(invalid("26/02", "a static code has no order"));
        }
        if amount.is_some() {
            return Err(invalid("54", "a static code has no amount"));
        }
        if label.is_some() {
            return Err(invalid("62/05", "a static code has no order"));
        }
    }
    if let Some(t62) = m.get(62) {
        for s in emv::tlvs(t62).map_while(Result::ok) {
            if (1..=8).contains(&s.tag) && !chars_within(s.value, 1, 25) {
                return Err(QrError::InvalidField {
                    tag: format!("62/{:02}", s.tag),
                    reason: "longer than 25 characters",
                });
            }
        }
    }
    if let Some(t64) = m.get(64) {
        let lang = emv::template_get(t64, 0).ok_or_else(|| missing("64/00"))?;
        if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(invalid("64/00", "the language must be 2 letters"));
        }
        let name = emv::template_get(t64, 1).ok_or_else(|| missing("64/01"))?;
        if !chars_within(name, 1, 25) {
            return Err(invalid(
                "64/01",
                "the merchant name must be 1 to 25 characters",
            ));
        }
        if emv::template_get(t64, 2).is_some_and(|c| !chars_within(c, 1, 15)) {
            return Err(invalid(
                "64/02",
                "the merchant city must be 1 to 15 characters",
            ));
        }
    }
    Ok(WalletQr {
        merchant_id: merchant_id.to_owned(),
        order_id: order_id.map(str::to_owned),
    })
}

fn check_text(tag: &str, value: &str, max: usize, what: &'static str) -> Result<(), QrError> {
    if value.trim().is_empty() || value.chars().count() > max || value.chars().any(char::is_control)
    {
        return Err(invalid(tag, what));
    }
    Ok(())
}

/// Builds our static (`order` = `None`) or dynamic code.
pub(crate) fn payload(
    merchant: &WalletMerchant,
    order: Option<(&str, Money)>,
) -> Result<String, QrError> {
    if !is_id(&merchant.merchant_id) {
        return Err(invalid("26/01", "the merchant id must be printable ASCII"));
    }
    check_text(
        "59",
        &merchant.name,
        25,
        "the merchant name must be 1 to 25 characters",
    )?;
    check_text(
        "60",
        &merchant.city,
        15,
        "the merchant city must be 1 to 15 characters",
    )?;
    if merchant.mcc.len() != 4 || !merchant.mcc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("52", "the merchant category code must be 4 digits"));
    }
    let amount = match order {
        None => None,
        Some((order_id, amount)) => {
            if !is_id(order_id) {
                return Err(invalid("26/02", "the order id must be printable ASCII"));
            }
            if amount.currency != Currency::Cny {
                return Err(invalid("53", "our codes are in CNY (156)"));
            }
            if !amount.is_positive() {
                return Err(invalid("54", "the amount must be more than zero"));
            }
            let text = amount.decimal();
            if text.len() > 13 {
                return Err(invalid("54", "the amount is longer than 13 characters"));
            }
            Some((order_id, text))
        }
    };

    let mut b = Builder::new();
    b.field(1, if amount.is_some() { "12" } else { "11" })?;
    match &amount {
        None => b.template(26, &[(0, WALLET_GUID), (1, &merchant.merchant_id)])?,
        Some((order_id, _)) => b.template(
            26,
            &[(0, WALLET_GUID), (1, &merchant.merchant_id), (2, order_id)],
        )?,
    };
    b.field(52, &merchant.mcc)?;
    b.field(53, Currency::Cny.numeric())?;
    if let Some((_, text)) = &amount {
        b.field(54, text)?;
    }
    b.field(58, "CN")?;
    b.field(59, &merchant.name)?;
    b.field(60, &merchant.city)?;
    if let Some((order_id, _)) = &amount {
        b.template(62, &[(5, reference_label(order_id))])?;
    }
    if !merchant.name.is_ascii() || !merchant.city.is_ascii() {
        b.template(64, &[(0, "ZH"), (1, &merchant.name), (2, &merchant.city)])?;
    }
    Ok(b.finish())
}
