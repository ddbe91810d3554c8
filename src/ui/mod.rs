//! The page: Yew function components that render the [`lab::Lab`] and send
//! [`state::UiAction`]s.
//!
//! The UI owns no protocol logic. Every view takes [`ViewProps`] (the lab to draw and a
//! callback for intents); all state lives in the one reducer of [`app`]. Each module owns
//! one part of the page:
//! - [`cluster`]: the SVG figure (nodes, links, messages in flight) and its menus;
//! - [`timeline`] and [`controls`]: time travel and playback;
//! - [`panel`]: the side panel's tabs, holding the protocol's panels ([`logs`]),
//!   [`inspector`], [`events`], [`invariants`] and [`settings`];
//! - [`header`] (with the protocol picker), [`intro`], [`gallery`], [`embed`], [`help`],
//!   [`files`]: the frame around them.
//!
//! Every view draws any registered protocol from its view as data; none names one.

mod app;
pub mod cluster;
pub mod consistency;
mod controls;
mod embed;
mod events;
pub mod files;
mod gallery;
mod header;
mod help;
pub mod history;
pub mod hooks;
pub mod icons;
mod inspector;
mod intro;
mod invariants;
pub mod lab;
mod logs;
mod modal;
mod panel;
mod settings;
pub mod state;
mod timeline;

pub use app::{next_value, next_values, App, AppProps, NoticeLine};
pub use cluster::ClusterView;
pub use consistency::ConsistencyView;
pub use controls::ControlBar;
pub use embed::EmbedBar;
pub use events::EventsView;
pub use gallery::Gallery;
pub use header::{SiteHeader, TAGLINE};
pub use help::HelpOverlay;
pub use history::{HistoryChart, HistoryView};
pub use inspector::InspectorView;
pub use intro::ScenarioIntro;
pub use invariants::InvariantsView;

pub use panel::SidePanel;
pub use settings::SettingsView;
pub use state::{LabState, UiAction, ViewProps};
pub use timeline::Timeline;

/// Mounts the page on `<body>`.
///
/// Only the WebAssembly build has a document to mount on, so the function exists only there;
/// the native build of the `quorum-lab` binary explains that instead.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    yew::Renderer::<App>::new().render();
}
