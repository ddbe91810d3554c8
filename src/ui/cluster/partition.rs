//! The partition tool: put each node in group A, B or C, then cut every link between
//! groups at once (`Action::Partition`), or heal everything (`Action::Heal`).

use yew::prelude::*;

use crate::sim::{Action, Links, NodeId};
use crate::ui::state::UiAction;

/// Group names, in order.
pub const GROUPS: [&str; 3] = ["A", "B", "C"];

/// The groups the current links already form: nodes joined by links that work both ways
/// end up together. When that is one group there is nothing to read, so the tool starts
/// from a split a student would try first: the last `n / 2` nodes cut off as a minority.
pub fn initial_groups(n: u32, links: &Links) -> Vec<u8> {
    let n = n as usize;
    let minority = || (0..n).map(|i| u8::from(i >= n - n / 2)).collect();
    if links.all_up() || n < 2 {
        return minority();
    }
    let mut group: Vec<Option<u8>> = vec![None; n];
    let mut next = 0u8;
    for start in 0..n {
        if group[start].is_some() {
            continue;
        }
        let g = next.min(GROUPS.len() as u8 - 1);
        next = next.saturating_add(1);
        let mut stack = vec![start];
        group[start] = Some(g);
        while let Some(i) = stack.pop() {
            for (j, slot) in group.iter_mut().enumerate() {
                let (a, b) = ((i + 1) as NodeId, (j + 1) as NodeId);
                if slot.is_none() && links.is_up(a, b) && links.is_up(b, a) {
                    *slot = Some(g);
                    stack.push(j);
                }
            }
        }
    }
    let groups: Vec<u8> = group.into_iter().map(|g| g.unwrap_or(0)).collect();
    if groups.iter().all(|&g| g == 0) {
        return minority();
    }
    groups
}

/// The `groups` of `Action::Partition` for an assignment (empty groups left out).
pub fn partition_groups(assignment: &[u8]) -> Vec<Vec<NodeId>> {
    (0..GROUPS.len() as u8)
        .map(|g| {
            assignment
                .iter()
                .enumerate()
                .filter(|(_, &a)| a == g)
                .map(|(i, _)| (i + 1) as NodeId)
                .collect::<Vec<_>>()
        })
        .filter(|members| !members.is_empty())
        .collect()
}

/// Props of [`PartitionTool`].
#[derive(Properties, Clone, PartialEq)]
pub struct PartitionProps {
    /// Cluster size.
    pub n: u32,
    /// The links now (to start from the groups they form).
    pub links: Links,
    /// Where intents go.
    pub on_action: Callback<UiAction>,
}

/// "Partition…": a button that opens a small panel to split the cluster into groups, and
/// "Heal all" whenever some link is cut.
#[function_component(PartitionTool)]
pub fn partition_tool(props: &PartitionProps) -> Html {
    let open = use_state_eq(|| false);
    let assignment = use_state(Vec::<u8>::new);
    let n = props.n;
    let toggle = {
        let open = open.clone();
        let assignment = assignment.clone();
        let links = props.links.clone();
        Callback::from(move |_: MouseEvent| {
            if !*open {
                assignment.set(initial_groups(n, &links));
            }
            open.set(!*open);
        })
    };
    let heal = props
        .on_action
        .reform(|_: MouseEvent| UiAction::Act(Action::Heal));
    let any_cut = !props.links.all_up();
    let panel = (*open).then(|| {
        let current: Vec<u8> = if assignment.len() == n as usize {
            (*assignment).clone()
        } else {
            initial_groups(n, &props.links)
        };
        let chips = (1..=n).map(|id| {
            let g = current[(id - 1) as usize] as usize;
            let next = (g + 1) % GROUPS.len();
            let onclick = {
                let assignment = assignment.clone();
                let current = current.clone();
                Callback::from(move |_: MouseEvent| {
                    let mut a = current.clone();
                    a[(id - 1) as usize] = next as u8;
                    assignment.set(a);
                })
            };
            html! {
                <button type="button" class={classes!("part-chip", format!("part-{}", GROUPS[g].to_lowercase()))}
                        aria-label={format!("S{id} is in group {}; move it to group {}", GROUPS[g], GROUPS[next])}
                        {onclick}>
                    <span class="part-node">{ format!("S{id}") }</span>
                    <span class="part-group">{ GROUPS[g] }</span>
                </button>
            }
        });
        let apply = {
            let on_action = props.on_action.clone();
            let open = open.clone();
            let groups = partition_groups(&current);
            Callback::from(move |_: MouseEvent| {
                on_action.emit(UiAction::Act(Action::Partition {
                    groups: groups.clone(),
                }));
                open.set(false);
            })
        };
        let close = {
            let open = open.clone();
            Callback::from(move |_: MouseEvent| open.set(false))
        };
        let onkeydown = {
            let open = open.clone();
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Escape" => {
                    e.stop_propagation();
                    open.set(false);
                }
                " " | "Enter" => e.stop_propagation(),
                _ => {}
            })
        };
        html! {
            <div class="cluster-popover partition-panel" role="dialog" aria-label="Partition the network" {onkeydown}>
                <p class="popover-title">{ "Partition the network" }</p>
                <p class="popover-note">
                    { "Click a node to move it to the next group. Links between groups are cut both ways; links inside a group work." }
                </p>
                <div class="part-chips">{ for chips }</div>
                <div class="menu-actions">
                    <button type="button" class="menu-danger" onclick={apply}>{ "Apply partition" }</button>
                    <button type="button" onclick={close}>{ "Cancel" }</button>
                </div>
            </div>
        }
    });
    html! {
        <div class="cluster-partition">
            if any_cut {
                <button type="button" class="tool-button" onclick={heal}
                        title="Repair every link">{ "Heal all" }</button>
            }
            <button type="button" class="tool-button" aria-expanded={open.to_string()}
                    onclick={toggle} disabled={n < 2}>{ "Partition…" }</button>
            { panel }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::LinkState;

    #[test]
    fn with_every_link_working_the_last_half_starts_as_the_minority() {
        let links = Links::new(5);
        assert_eq!(initial_groups(5, &links), vec![0, 0, 0, 1, 1]);
        assert_eq!(initial_groups(1, &Links::new(1)), vec![0]);
        assert_eq!(
            partition_groups(&[0, 0, 0, 1, 1]),
            vec![vec![1, 2, 3], vec![4, 5]]
        );
    }

    #[test]
    fn an_existing_partition_is_read_back_from_the_links() {
        let mut links = Links::new(5);
        links.partition(&[vec![1, 4], vec![2, 3, 5]]);
        let groups = initial_groups(5, &links);
        assert_eq!(partition_groups(&groups), vec![vec![1, 4], vec![2, 3, 5]]);
    }

    #[test]
    fn a_one_way_cut_separates_nothing_by_itself_but_a_cut_node_is_alone() {
        let mut links = Links::new(3);
        links.set(1, 2, LinkState::Cut);
        // 1 and 2 still meet through 3, both ways: one group, so the usual split.
        assert_eq!(initial_groups(3, &links), vec![0, 0, 1]);
        for other in [2, 3] {
            links.set(1, other, LinkState::Cut);
            links.set(other, 1, LinkState::Cut);
        }
        assert_eq!(initial_groups(3, &links), vec![0, 1, 1]);
    }

    #[test]
    fn empty_groups_are_left_out() {
        assert_eq!(partition_groups(&[2, 2, 0]), vec![vec![3], vec![1, 2]]);
    }
}
