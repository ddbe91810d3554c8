//! Small inline SVG icons. Drawn rather than taken from a font, so they look the same on
//! every machine (media-control glyphs are missing from many system fonts). Decorative:
//! every button that shows one also has an accessible name.

use yew::prelude::*;

/// The icons the page uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    /// ▶
    Play,
    /// ❚❚
    Pause,
    /// ▶❙
    StepForward,
    /// ❙◀
    StepBack,
    /// ❙◀◀
    JumpStart,
    /// ▶▶❙
    JumpEnd,
    /// A chain link.
    Link,
    /// A frame with angle brackets.
    Embed,
    /// An arrow into a tray.
    Download,
    /// A folder.
    Open,
}

impl Icon {
    /// The path data, in a 16×16 box.
    fn path(self) -> &'static str {
        match self {
            Icon::Play => "M4 2.5v11l9-5.5z",
            Icon::Pause => "M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z",
            Icon::StepForward => "M3 2.5v11l7.5-5.5zM11 2.5h2.5v11H11z",
            Icon::StepBack => "M13 2.5v11L5.5 8zM2.5 2.5H5v11H2.5z",
            Icon::JumpStart => "M2 2.5h2v11H2zM9 2.5v11L4.5 8zM14.5 2.5v11L10 8z",
            Icon::JumpEnd => "M14 2.5h-2v11h2zM7 2.5v11L11.5 8zM1.5 2.5v11L6 8z",
            Icon::Link => "M6.5 9.5l3-3M7 4.5l1.2-1.2a2.6 2.6 0 0 1 3.7 3.7L10.7 8.2M9 11.5l-1.2 1.2a2.6 2.6 0 0 1-3.7-3.7L5.3 7.8",
            Icon::Embed => "M5.5 5L2.5 8l3 3M10.5 5l3 3-3 3M9 3.5L7 12.5",
            Icon::Download => "M8 2v8M4.5 7L8 10.5 11.5 7M2.5 11.5v2h11v-2",
            Icon::Open => "M1.5 4V13h13V5.5H7.5L6 4z",
        }
    }

    /// Filled shapes (media controls) or strokes (the rest).
    fn filled(self) -> bool {
        matches!(
            self,
            Icon::Play
                | Icon::Pause
                | Icon::StepForward
                | Icon::StepBack
                | Icon::JumpStart
                | Icon::JumpEnd
        )
    }
}

/// Properties of [`IconView`].
#[derive(Properties, Clone, PartialEq)]
pub struct IconProps {
    /// Which icon.
    pub icon: Icon,
}

/// An icon, sized to the text around it and coloured like it.
#[function_component(IconView)]
pub fn icon_view(props: &IconProps) -> Html {
    let (fill, stroke) = if props.icon.filled() {
        ("currentColor", "none")
    } else {
        ("none", "currentColor")
    };
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"
             focusable="false">
            <path d={props.icon.path()} fill={fill} stroke={stroke} stroke-width="1.6"
                  stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}
