//! Chinese numerals as used in session names (十三届二次会议).

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 10 → 十, 13 → 十三, 20 → 二十, 21 → 二十一, 105 → 一百零五 (up to 999).
pub fn chinese_number(n: u32) -> String {
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[(n % 10) as usize] }),
        20..=99 => format!("{}十{}", DIGITS[(n / 10) as usize], if n.is_multiple_of(10) { "" } else { DIGITS[(n % 10) as usize] }),
        _ => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", DIGITS[rest as usize]),
                10..=19 => format!("一{}", chinese_number(rest)),
                _ => chinese_number(rest),
            };
            format!("{}百{}", DIGITS[((n / 100) % 10) as usize], tail)
        }
    }
}

/// 届 and 次 → "十三届二次会议".
pub fn session_name(term: u32, session: u32) -> String {
    format!("{}届{}次会议", chinese_number(term), chinese_number(session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_read_as_published() {
        assert_eq!(session_name(13, 2), "十三届二次会议");
        assert_eq!(session_name(12, 1), "十二届一次会议");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(21), "二十一");
        assert_eq!(chinese_number(105), "一百零五");
        assert_eq!(chinese_number(110), "一百一十");
    }
}
