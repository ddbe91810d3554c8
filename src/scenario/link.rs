//! The shareable link: `<base URL>#s=<payload>[&t=<ms>][&embed=1]`.
//!
//! The payload is the scenario's compact JSON, raw-deflated and written in base64url
//! without padding, behind one character that names the codec (`1`). A later format adds
//! a new codec character; this one keeps decoding. Decoding never panics, however the
//! link was damaged: it answers with a plain sentence on what is wrong.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::{Scenario, ScenarioError};
use crate::sim::Time;

/// The codec character of payloads this build writes.
pub const CODEC: char = '1';
/// The largest scenario JSON a link may inflate to: a guard against decompression bombs,
/// above any scenario within `limits` (20,000 requests whose 64-character values JSON
/// escapes six bytes a character come to about 8 MB), so the longest scripts can be shared.
pub const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;
/// The longest payload we try to decode: the longest URL a browser keeps (Chrome: 2 MB).
/// The longest scenarios within `limits` pack into about 1.9 million characters.
pub const MAX_PAYLOAD_CHARS: usize = 2 * 1024 * 1024;

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The link carries no scenario.
    Missing,
    /// The payload is damaged (truncated, mistyped, not ours).
    Damaged(String),
    /// Made by a newer Quorum Lab.
    Newer(char),
    /// It decoded, but the scenario inside is invalid.
    Scenario(ScenarioError),
    /// `t=` or another parameter is malformed.
    Parameter(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Missing => f.write_str("the link has no scenario in it (no \"s=\" part)"),
            LinkError::Damaged(why) => write!(f, "the link is damaged: {why}"),
            LinkError::Newer(c) => write!(
                f,
                "the link was made by a newer Quorum Lab (link format {c:?}); this page reads format {CODEC:?}"
            ),
            LinkError::Scenario(e) => write!(f, "the scenario in the link is invalid: {e}"),
            LinkError::Parameter(why) => write!(f, "the link is malformed: {why}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// What a link's fragment says.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The scenario.
    pub scenario: Scenario,
    /// The simulated time to show, if given.
    pub t: Option<Time>,
    /// The compact view for iframes.
    pub embed: bool,
}

/// Encodes a scenario as a link payload.
pub fn encode_payload(scenario: &Scenario) -> String {
    let json = scenario.to_json();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    let mut out = String::with_capacity(1 + packed.len() * 4 / 3 + 4);
    out.push(CODEC);
    URL_SAFE_NO_PAD.encode_string(packed, &mut out);
    out
}

/// Decodes a link payload back to a scenario.
pub fn decode_payload(payload: &str) -> Result<Scenario, LinkError> {
    let payload = payload.trim();
    let mut chars = payload.chars();
    let Some(codec) = chars.next() else {
        return Err(LinkError::Missing);
    };
    if codec != CODEC {
        return Err(if codec.is_ascii_digit() && codec > CODEC {
            LinkError::Newer(codec)
        } else {
            LinkError::Damaged("it does not start like a Quorum Lab scenario".into())
        });
    }
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(LinkError::Damaged(
            "it is far longer than any scenario".into(),
        ));
    }
    let packed = URL_SAFE_NO_PAD.decode(chars.as_str()).map_err(|_| {
        LinkError::Damaged("it contains characters a link never has, or was cut short".into())
    })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON_BYTES)
        .map_err(|e| {
            LinkError::Damaged(
                if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
                    "its data unpacks to more than any scenario".into()
                } else {
                    "its data does not unpack (was it cut short when copied?)".into()
                },
            )
        })?;
    let text =
        String::from_utf8(json).map_err(|_| LinkError::Damaged("its data is not text".into()))?;
    Scenario::from_json(&text).map_err(LinkError::Scenario)
}

/// The full link: `base#s=payload[&t=ms]`.
pub fn to_link(base: &str, scenario: &Scenario, t: Option<Time>) -> String {
    let base = base.split('#').next().unwrap_or_default();
    let mut link = format!("{base}#s={}", encode_payload(scenario));
    if let Some(t) = t {
        link.push_str(&format!("&t={t}"));
    }
    link
}

/// Reads a link: a full URL, a fragment (`#s=…`, `s=…`) or a bare payload.
pub fn parse(link: &str) -> Result<Link, LinkError> {
    let link = link.trim();
    let fragment = match link.split_once('#') {
        Some((_, f)) => f,
        None if link.contains("s=") => link,
        None if !link.is_empty() && !link.contains('=') && !link.contains('/') => {
            return Ok(Link {
                scenario: decode_payload(link)?,
                t: None,
                embed: false,
            });
        }
        None => return Err(LinkError::Missing),
    };
    let mut payload = None;
    let mut t = None;
    let mut embed = false;
    for part in fragment.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        match key {
            "s" => payload = Some(value),
            "t" => {
                let ms = value.parse::<Time>().map_err(|_| {
                    LinkError::Parameter(format!("t={value:?} is not a time in milliseconds"))
                })?;
                if ms > super::limits::MAX_AT_MS {
                    return Err(LinkError::Parameter(format!(
                        "t={ms} is later than one day"
                    )));
                }
                t = Some(ms);
            }
            "embed" => embed = value == "1",
            // Unknown parameters are ignored so later versions can add some.
            _ => {}
        }
    }
    let scenario = decode_payload(payload.ok_or(LinkError::Missing)?)?;
    Ok(Link { scenario, t, embed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_the_scenario() {
        let s = Scenario::default();
        let link = to_link("http://127.0.0.1:8080/", &s, Some(1500));
        let back = parse(&link).unwrap();
        assert_eq!(back.scenario, s);
        assert_eq!(back.t, Some(1500));
        assert!(!back.embed);
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let payload = encode_payload(&Scenario::default());
        let cut = &payload[..payload.len() / 2];
        assert!(matches!(decode_payload(cut), Err(LinkError::Damaged(_))));
        assert!(matches!(decode_payload("9abc"), Err(LinkError::Newer('9'))));
        assert!(matches!(decode_payload("1!!!"), Err(LinkError::Damaged(_))));
        assert!(matches!(parse("http://x/"), Err(LinkError::Missing)));
        assert!(matches!(
            parse("#s=1abc&t=soon"),
            Err(LinkError::Parameter(_))
        ));
    }
}
