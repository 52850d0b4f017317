//! Reads a received email as a mail program would, enough to check what a person sees: the
//! headers (folded lines joined, RFC 2047 encoded words decoded), and the text/plain and
//! text/html parts of a multipart/alternative body (base64 or quoted-printable undone).

use base64::Engine;

#[derive(Debug, Clone)]
pub struct Mail {
    pub headers: Vec<(String, String)>,
    /// The decoded Subject.
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// The first header of that name, decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| decode_words(v))
    }
}

/// Parses a whole message; panics with the reason when it is not what lettre should send.
pub fn parse(raw: &str) -> Mail {
    let (headers, body) = split(raw);
    let subject_raw = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("Subject")).map(|(_, v)| v.clone()).expect("a Subject header");
    let content_type = value(&headers, "Content-Type").expect("a Content-Type header");
    assert!(content_type.to_ascii_lowercase().starts_with("multipart/alternative"), "not multipart/alternative: {content_type}");
    let boundary = parameter(&content_type, "boundary").expect("a boundary");
    let mut text = None;
    let mut html = None;
    for part in parts(body, &boundary) {
        let (h, b) = split(part);
        let ct = value(&h, "Content-Type").unwrap_or_else(|| "text/plain".into()).to_ascii_lowercase();
        let cte = value(&h, "Content-Transfer-Encoding").unwrap_or_else(|| "7bit".into());
        let decoded = decode_body(&cte, b);
        if ct.starts_with("text/plain") {
            assert!(ct.contains("charset=utf-8"), "the plain part names its charset: {ct}");
            text = Some(decoded);
        } else if ct.starts_with("text/html") {
            assert!(ct.contains("charset=utf-8"), "the HTML part names its charset: {ct}");
            html = Some(decoded);
        }
    }
    Mail { subject: decode_words(&subject_raw), headers, text: text.expect("a text/plain part"), html: html.expect("a text/html part") }
}

/// Headers (unfolded) and the body after the blank line.
fn split(raw: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = match raw.find("\r\n\r\n") {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => (raw, ""),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, v)) = headers.last_mut() {
                // Unfolding (RFC 5322 §2.2.3): the line break goes, the white space stays.
                v.push_str(line);
            }
        } else if let Some((name, v)) = line.split_once(':') {
            headers.push((name.trim().to_string(), v.trim_start().to_string()));
        }
    }
    (headers, body)
}

fn value(headers: &[(String, String)], name: &str) -> Option<String> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
}

/// A parameter of a structured header (`boundary="…"`).
fn parameter(header: &str, name: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The parts between `--boundary` lines, up to `--boundary--`.
fn parts<'a>(body: &'a str, boundary: &str) -> Vec<&'a str> {
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    let mut sections = body.split(delimiter.as_str());
    sections.next(); // the preamble
    for s in sections {
        if s.starts_with("--") {
            break;
        }
        out.push(s.strip_prefix("\r\n").unwrap_or(s).strip_suffix("\r\n").unwrap_or(s));
    }
    out
}

fn decode_body(encoding: &str, body: &str) -> String {
    let bytes = match encoding.trim().to_ascii_lowercase().as_str() {
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD.decode(compact).expect("valid base64 body")
        }
        "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8(bytes).expect("a UTF-8 body").replace("\r\n", "\n")
}

/// Quoted-printable (RFC 2045 §6.7): `=XX` is a byte, `=` at a line end joins the lines.
fn quoted_printable(body: &str) -> Vec<u8> {
    let b = body.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if b[i + 1..].starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("ASCII");
            out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad quoted-printable escape ={hex}")));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); white space between two
/// encoded words is dropped, as the RFC says.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let Some(word) = encoded_word(&rest[start..]) else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            last_was_word = false;
            continue;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&word.0);
        rest = &rest[start + word.1..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `s`: (its text, its length).
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let mut fields = s[2..].splitn(3, '?');
    let charset = fields.next()?;
    let encoding = fields.next()?;
    let rest = fields.next()?;
    let end = rest.find("?=")?;
    let payload = &rest[..end];
    assert!(charset.eq_ignore_ascii_case("utf-8"), "unexpected charset {charset}");
    let bytes = match encoding {
        "b" | "B" => base64::engine::general_purpose::STANDARD.decode(payload).ok()?,
        "q" | "Q" => quoted_printable(&payload.replace('_', " ")),
        _ => return None,
    };
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    Some((String::from_utf8(bytes).ok()?, len))
}

#[test]
fn encoded_words_and_quoted_printable_are_read_as_a_mail_program_would() {
    assert_eq!(decode_words("=?utf-8?b?5aeU5ZGY?= =?utf-8?b?Zee6vw==?="), "委员e线");
    assert_eq!(decode_words("Re: =?UTF-8?Q?=E6=8F=90=E6=A1=88_A?= done"), "Re: 提案 A done");
    assert_eq!(decode_words("plain"), "plain");
    assert_eq!(String::from_utf8(quoted_printable("=E6=8F=90=\r\n=E6=A1=88 ok")).unwrap(), "提案 ok");
}
