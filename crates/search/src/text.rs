//! Chinese text for the index: traditional characters folded to simplified, jieba in search
//! mode with the CPPCC user dictionary, ASCII folded to lower case.
//!
//! Folding keeps every character's UTF-8 length (only equal-length pairs are in the table), so
//! the byte offsets of tokens are those of the original text and snippets highlight the text
//! as the user wrote it.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

static T2S: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
    include_str!("../data/t2s.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut c = l.chars();
            Some((c.next()?, c.next()?))
        })
        .collect()
});

static JIEBA: LazyLock<Arc<Jieba>> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for line in include_str!("../data/userdict.txt").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq = parts.next().and_then(|f| f.parse().ok());
        jieba.add_word(word, freq, parts.next());
    }
    Arc::new(jieba)
});

/// Loads the dictionaries now (they are otherwise loaded on first use, which takes ~0.3 s).
pub fn warm_up() {
    LazyLock::force(&T2S);
    LazyLock::force(&JIEBA);
}

/// Traditional characters replaced by simplified ones; ASCII letters lower-cased. Same byte length.
pub fn fold(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii() { c.to_ascii_lowercase() } else { T2S.get(&c).copied().unwrap_or(c) }).collect()
}

fn is_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// The index's tokens of a text: (token, byte range, char position). Search mode emits the
/// long words and their dictionary sub-words (深中通道 → 深中, 通道, 深中通道).
pub fn tokens(text: &str) -> Vec<Token> {
    let folded = fold(text);
    JIEBA
        .tokenize(&folded, TokenizeMode::Search, true)
        .into_iter()
        .filter(|t| is_word(t.word))
        .map(|t| Token { offset_from: t.byte_start, offset_to: t.byte_end, position: t.start, text: t.word.to_string(), position_length: t.end - t.start })
        .collect()
}

/// Words of a query as the user meant them (default mode, no overlapping sub-words), folded.
pub fn query_words(query: &str) -> Vec<String> {
    let folded = fold(query);
    let mut words: Vec<String> = Vec::new();
    for part in folded.split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '-')) {
        for t in JIEBA.cut(part, true) {
            if is_word(t.word) && !words.iter().any(|w| w == t.word) {
                words.push(t.word.to_string());
            }
        }
    }
    words
}

/// Sub-words of a query word as search mode indexes them (for words the index may have split
/// differently in context); empty when the word has none.
pub fn sub_words(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in JIEBA.tokenize(word, TokenizeMode::Search, true) {
        if is_word(t.word) && t.word != word && !out.iter().any(|w| w == t.word) {
            out.push(t.word.to_string());
        }
    }
    out
}

/// Words that say nothing about a topic: kept in the index, dropped from queries that have others.
pub fn is_stop_word(word: &str) -> bool {
    const STOP: &[&str] = &[
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "对",
        "把",
        "将",
        "是",
        "为",
        "等",
        "有关",
        "关于",
        "对于",
        "建议",
        "提案",
        "意见",
        "问题",
        "进一步",
        "我市",
        "我省",
        "我区",
        "我县",
        "市",
        "工作",
    ];
    STOP.contains(&word)
}

/// The tokenizer registered with tantivy under the name [`crate::TOKENIZER`].
#[derive(Clone, Default)]
pub struct ZhTokenizer;

pub struct ZhTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream {
        ZhTokenStream { tokens: tokens(text), next: 0 }
    }
}

impl TokenStream for ZhTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn traditional_and_simplified_give_the_same_tokens() {
        assert_eq!(words("關於加強養老服務體系建設的建議"), words("关于加强养老服务体系建设的建议"));
        assert_eq!(query_words("鄉村振興"), query_words("乡村振兴"));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "推進深中通道沿線產業";
        for t in tokens(text) {
            assert_eq!(fold(&text[t.offset_from..t.offset_to]), t.text);
        }
    }

    #[test]
    fn the_user_dictionary_keeps_local_terms_whole_and_search_mode_adds_parts() {
        let w = words("关于深中通道通车后交通组织的建议");
        assert!(w.contains(&"深中通道".to_string()), "{w:?}");
        assert!(w.contains(&"通道".to_string()), "{w:?}");
        assert!(words("推进百千万工程").contains(&"百千万工程".to_string()));
        assert!(words("社情民意信息").contains(&"社情民意".to_string()));
    }

    #[test]
    fn queries_drop_punctuation_and_fold_case() {
        assert_eq!(query_words("  AI，教育！ "), vec!["ai".to_string(), "教育".to_string()]);
        assert!(query_words("！！，").is_empty());
    }
}
