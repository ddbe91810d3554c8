//! Scenario files: download the current run as JSON, open one from disk (file picker or
//! drag and drop), and the clipboard. The checks are the engine's (`Scenario::from_json`);
//! this module only moves text between the browser and the reducer.

use yew::prelude::*;

use super::lab::Tone;
use super::state::UiAction;
use crate::scenario::Scenario;

/// Files larger than this are refused before reading: no scenario comes close.
pub const MAX_FILE_BYTES: f64 = 1024.0 * 1024.0;

/// What opening `name` with contents `text` does: a valid scenario restarts the run
/// with it and says so; anything else says plainly what is wrong (with the field path
/// where there is one) and opens the default scenario. Pure, so it is tested natively.
pub fn open_actions(name: &str, text: &str) -> Vec<UiAction> {
    match Scenario::from_json(text) {
        Ok(scenario) => {
            let title = if scenario.title.is_empty() {
                String::new()
            } else {
                format!(" ({})", scenario.title)
            };
            vec![
                UiAction::Restart(scenario),
                UiAction::Notify(Tone::Info, format!("Opened {name}{title}.")),
            ]
        }
        Err(e) => vec![
            UiAction::Restart(Scenario::default()),
            UiAction::Notify(
                Tone::Error,
                format!("Could not open {name}: {e}. Showing the default scenario."),
            ),
        ],
    }
}

/// A file name for the download: the scenario's title as a slug.
pub fn download_name(scenario: &Scenario) -> String {
    let slug: String = scenario
        .title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug: Vec<&str> = slug.split('-').filter(|s| !s.is_empty()).collect();
    let slug = slug.join("-");
    let slug = if slug.is_empty() {
        "scenario".into()
    } else {
        slug
    };
    format!("quorum-lab-{}.json", &slug[..slug.len().min(60)])
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser refused to make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused to make the file")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link element")?
        .dyn_into()
        .map_err(|_| "no link element")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Reads `file` and sends what opening it does (see [`open_actions`]).
pub fn open_file(file: web_sys::File, on_action: Callback<UiAction>) {
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        on_action.emit(UiAction::Notify(
            Tone::Error,
            format!("{name} is too large to be a scenario file (over 1 MiB)."),
        ));
        return;
    }
    yew::platform::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        match text.ok().and_then(|t| t.as_string()) {
            Some(text) => {
                for a in open_actions(&name, &text) {
                    on_action.emit(a);
                }
            }
            None => on_action.emit(UiAction::Notify(
                Tone::Error,
                format!("Could not read {name}: it is not a text file."),
            )),
        }
    });
}

/// Copies `text` to the clipboard; `done` learns whether it worked.
pub fn copy_text(text: String, done: Callback<bool>) {
    let Some(window) = web_sys::window() else {
        done.emit(false);
        return;
    };
    let promise = window.navigator().clipboard().write_text(&text);
    yew::platform::spawn_local(async move {
        done.emit(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_file_restarts_the_run_with_it() {
        let text = Scenario::default().to_json_pretty();
        let actions = open_actions("run.json", &text);
        assert_eq!(actions[0], UiAction::Restart(Scenario::default()));
        assert!(matches!(&actions[1], UiAction::Notify(Tone::Info, t) if t.contains("run.json")));
    }

    #[test]
    fn a_bad_file_names_the_field_and_opens_the_default() {
        let mut json: serde_json::Value =
            serde_json::from_str(&Scenario::default().to_json()).unwrap();
        json["raft"]["heartbeat_ms"] = serde_json::json!("fast");
        let actions = open_actions("bad.json", &json.to_string());
        assert_eq!(actions[0], UiAction::Restart(Scenario::default()));
        let UiAction::Notify(Tone::Error, text) = &actions[1] else {
            panic!("{actions:?}")
        };
        assert!(text.contains("raft.heartbeat_ms"), "{text}");
        assert!(text.contains("default scenario"), "{text}");
    }

    #[test]
    fn garbage_is_refused_plainly() {
        let actions = open_actions("x.json", "<script>alert(1)</script>");
        assert!(matches!(&actions[1], UiAction::Notify(Tone::Error, _)));
    }

    #[test]
    fn download_names_are_slugs() {
        let mut s = Scenario {
            title: "Figure 8: why old terms don't commit!".into(),
            ..Scenario::default()
        };
        assert_eq!(
            download_name(&s),
            "quorum-lab-figure-8-why-old-terms-don-t-commit.json"
        );
        s.title = "  ".into();
        assert_eq!(download_name(&s), "quorum-lab-scenario.json");
    }
}
