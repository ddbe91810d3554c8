//! The control bar: playback (jump to start, step back, play/pause, step, jump to end),
//! the speed, and the simulated time.

use yew::prelude::*;

use super::icons::{Icon, IconView};
use super::lab::{format_ms, SPEEDS};
use super::state::UiAction;
use super::ViewProps;

/// How a speed reads in the menu: "0.25×", "1×", "10×".
pub fn speed_label(speed: f64) -> String {
    format!("{speed}×")
}

/// The control bar under the timeline.
#[function_component(ControlBar)]
pub fn control_bar(props: &ViewProps) -> Html {
    let lab = &props.lab;
    let act = |a: UiAction| props.on_action.reform(move |_: MouseEvent| a.clone());
    let (play_icon, play_label) = if lab.playing() {
        (Icon::Pause, "Pause")
    } else {
        (Icon::Play, "Play")
    };
    let on_speed = props.on_action.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        UiAction::SetSpeed(select.value().parse().unwrap_or(1.0))
    });
    let speeds = SPEEDS.iter().map(|&s| {
        html! {
            <option value={s.to_string()} selected={(s - lab.speed()).abs() < 1e-9}>
                { speed_label(s) }
            </option>
        }
    });
    let world = lab.world();
    let hash = world.trace_hash();
    html! {
        <nav class="controls" aria-label="Controls">
            <div class="control-group" role="group" aria-label="Time">
                <button type="button" class="control" onclick={act(UiAction::JumpStart)}
                        aria-label="Jump to the start" title="Jump to the start (Home)">
                    <IconView icon={Icon::JumpStart} />
                </button>
                <button type="button" class="control" onclick={act(UiAction::StepBack)}
                        aria-label="Step back one event" title="Step back one event (←)"
                        disabled={world.events() == 0}>
                    <IconView icon={Icon::StepBack} />
                </button>
                <button type="button" class="control control-play" onclick={act(UiAction::Toggle)}
                        aria-label={play_label} title={format!("{play_label} (Space)")}
                        aria-pressed={lab.playing().to_string()}>
                    <IconView icon={play_icon} />
                </button>
                <button type="button" class="control" onclick={act(UiAction::Step)}
                        aria-label="Step to the next event" title="Step to the next event (→)">
                    <IconView icon={Icon::StepForward} />
                </button>
                <button type="button" class="control" onclick={act(UiAction::JumpEnd)}
                        aria-label="Jump to the end" title="Jump to the furthest time reached (End)">
                    <IconView icon={Icon::JumpEnd} />
                </button>
            </div>
            <label class="speed">
                <span>{ "Speed" }</span>
                <select onchange={on_speed} aria-label="Speed">{ for speeds }</select>
            </label>
            <div class="clock" aria-live="off">
                <span class="time" title="Simulated time">{ format_ms(world.now()) }</span>
                <span class="clock-detail">
                    { format!("{} events", world.events()) }
                </span>
                <span class="clock-detail fingerprint" data-trace-hash={hash.clone()}
                      title="Trace hash: the same run gives the same hash everywhere (qlab run prints it too)">
                    { format!("#{}", &hash[..8.min(hash.len())]) }
                </span>
            </div>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_read_as_multiples() {
        assert_eq!(speed_label(0.1), "0.1×");
        assert_eq!(speed_label(1.0), "1×");
        assert_eq!(speed_label(10.0), "10×");
    }
}
