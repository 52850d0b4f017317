//! Parsing of free text fields into trimmed, length-checked values.

use crate::FieldError;

/// A required single-line text: trimmed, not empty, at most `max` characters, no control characters.
pub fn required(field: &str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, format!("{label}不能为空")));
    }
    single_line(field, label, value, max)
}

/// An optional single-line text: empty becomes None.
pub fn optional(field: &str, label: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => single_line(field, label, v, max).map(Some),
    }
}

fn single_line(field: &str, label: &str, value: &str, max: usize) -> Result<String, FieldError> {
    if value.chars().count() > max {
        return Err(FieldError::new(field, format!("{label}不能超过{max}个字")));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, format!("{label}不能包含换行或控制字符")));
    }
    Ok(value.to_string())
}

/// A mainland mobile or landline number: digits, spaces, '-' and a leading '+'.
pub fn phone(field: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(v) = raw.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || c == '-' || c == ' ' || (c == '+' && i == 0));
    if !allowed || !(7..=15).contains(&digits) {
        return Err(FieldError::new(field, "电话号码格式不正确，请填写手机号或座机号"));
    }
    Ok(Some(v.to_string()))
}

/// A plausible e-mail address (one '@', a dot in the domain, no spaces).
pub fn email(field: &str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(v) = raw.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if !ok || v.len() > 200 {
        return Err(FieldError::new(field, "电子邮箱格式不正确"));
    }
    Ok(Some(v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_empty_text_is_refused_in_chinese() {
        assert_eq!(required("name", "名称", "  教育局 ", 10).unwrap(), "教育局");
        assert_eq!(required("name", "名称", "   ", 10).unwrap_err().message, "名称不能为空");
    }

    #[test]
    fn text_longer_than_the_limit_is_refused() {
        assert!(required("name", "名称", "一二三四五六", 5).is_err());
        assert!(required("name", "名称", "一二三四五", 5).is_ok());
    }

    #[test]
    fn phone_and_email_are_checked_when_given() {
        assert_eq!(phone("phone", Some("139 0000 1111")).unwrap().as_deref(), Some("139 0000 1111"));
        assert!(phone("phone", Some("abc")).is_err());
        assert_eq!(phone("phone", Some(" ")).unwrap(), None);
        assert!(email("email", Some("a@b.cn")).unwrap().is_some());
        assert!(email("email", Some("a@b")).is_err());
    }
}
