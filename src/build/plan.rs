//! The order a run builds its definitions in: a feed that reads another generated feed
//! comes after it. Duplicate names, unknown feeds and cycles are refused up front.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::config::{FeedDefinition, SourceLocation};

/// Why the definitions of a run cannot be built together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// Two definitions give their outputs the same name.
    #[error("`{}` and `{}` both name their feed `{name}`; set `name` in [feed] of one of them", first.display(), second.display())]
    DuplicateName {
        /// The name.
        name: String,
        /// The first definition with it.
        first: PathBuf,
        /// The second.
        second: PathBuf,
    },
    /// A source reads a generated feed that no definition of the run builds.
    #[error("`{}`: source `{source_name}` reads the feed `{feed}`, which none of the definitions given builds", file.display())]
    UnknownFeed {
        /// The definition file.
        file: PathBuf,
        /// The source.
        source_name: String,
        /// The feed it asks for.
        feed: String,
    },
    /// Feeds read each other in a circle.
    #[error("feeds read each other in a circle: {}", cycle.join(" → "))]
    Cycle {
        /// The names around the circle, the first repeated at the end.
        cycle: Vec<String>,
    },
}

/// The indexes of `definitions` in build order: every feed after the feeds it reads,
/// otherwise in the order given.
pub fn plan(definitions: &[FeedDefinition]) -> Result<Vec<usize>, PlanError> {
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (index, definition) in definitions.iter().enumerate() {
        if let Some(&first) = by_name.get(definition.feed.name.as_str()) {
            return Err(PlanError::DuplicateName {
                name: definition.feed.name.clone(),
                first: definitions[first].path.clone(),
                second: definition.path.clone(),
            });
        }
        by_name.insert(&definition.feed.name, index);
    }
    let mut needs: Vec<Vec<usize>> = Vec::with_capacity(definitions.len());
    for definition in definitions {
        let mut own = Vec::new();
        for source in &definition.sources {
            if let SourceLocation::Feed(name) = &source.location {
                match by_name.get(name.as_str()) {
                    Some(&index) => own.push(index),
                    None => {
                        return Err(PlanError::UnknownFeed {
                            file: definition.path.clone(),
                            source_name: source.name.clone(),
                            feed: name.clone(),
                        });
                    }
                }
            }
        }
        needs.push(own);
    }
    // Depth-first, in the order given; `state`: 0 unseen, 1 on the stack, 2 done.
    let mut state = vec![0u8; definitions.len()];
    let mut order = Vec::with_capacity(definitions.len());
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..definitions.len() {
        visit(start, &needs, &mut state, &mut stack, &mut order).map_err(|cycle| {
            PlanError::Cycle {
                cycle: cycle
                    .into_iter()
                    .map(|index| definitions[index].feed.name.clone())
                    .collect(),
            }
        })?;
    }
    Ok(order)
}

fn visit(
    index: usize,
    needs: &[Vec<usize>],
    state: &mut [u8],
    stack: &mut Vec<usize>,
    order: &mut Vec<usize>,
) -> Result<(), Vec<usize>> {
    match state[index] {
        2 => return Ok(()),
        1 => {
            let from = stack.iter().position(|&i| i == index).unwrap_or(0);
            let mut cycle = stack[from..].to_vec();
            cycle.push(index);
            return Err(cycle);
        }
        _ => {}
    }
    state[index] = 1;
    stack.push(index);
    for &needed in &needs[index] {
        visit(needed, needs, state, stack, order)?;
    }
    stack.pop();
    state[index] = 2;
    order.push(index);
    Ok(())
}
