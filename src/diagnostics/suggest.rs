//! "Did you mean": the closest known name to a misspelt one, within a bounded cost. Input: a
//! name and the names it could have meant; output: a suggestion, or none.

use std::fmt::Write as _;

/// Names longer than this get no "did you mean": a typo is found in names people type, and
/// comparing two long names costs their lengths multiplied.
pub const MAX_SUGGESTED_NAME: usize = 64;

/// Table cells all suggestions of one stage (reading, validating) may compute together: a
/// spec of thousands of misspelt references to thousands of long names would otherwise take
/// minutes. Each suggestion is cheap; only a hostile number of them runs out, and the rest of
/// the diagnostics then simply go without a "did you mean".
pub const SUGGESTION_CELLS: u64 = 20_000_000;

thread_local! {
    /// What is left of [`SUGGESTION_CELLS`] on this thread. Per thread, so tests that
    /// compile specs in parallel do not share it; stages run on one thread, so the same
    /// input gets the same suggestions.
    static SUGGESTION_BUDGET: std::cell::Cell<u64> = const { std::cell::Cell::new(SUGGESTION_CELLS) };
}

/// Gives the stage that starts now the whole [`SUGGESTION_CELLS`].
pub fn reset_suggestion_budget() {
    SUGGESTION_BUDGET.set(SUGGESTION_CELLS);
}

/// Up to `max` names, then how many more: `a, b, c and 12 more`. Help texts list known
/// names; a spec with thousands of them must not make every message megabytes long.
pub fn name_list<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let mut names = names.into_iter();
    let shown: Vec<&str> = names.by_ref().take(max).collect();
    let rest = names.count();
    let mut text = shown.join(", ");
    if rest > 0 {
        let _ = write!(text, " and {rest} more");
    }
    text
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
///
/// Bounded so that hostile input cannot make it slow: a name over [`MAX_SUGGESTED_NAME`]
/// characters is not compared at all, a candidate whose length differs by more than the
/// allowed distance is skipped before any work, and the distance is computed only inside
/// the band of that width, stopping as soon as every cell of a row is over the limit. One
/// comparison costs at most 65 × 43 cells, whatever the input, and all of a stage's
/// comparisons together at most [`SUGGESTION_CELLS`].
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name: Vec<char> = name.chars().take(MAX_SUGGESTED_NAME + 1).collect();
    if name.len() > MAX_SUGGESTED_NAME {
        return None;
    }
    let limit = (name.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    let mut other = Vec::with_capacity(MAX_SUGGESTED_NAME + limit);
    for candidate in candidates {
        // The length in characters is at least the byte length over four; both bounds are
        // checked before the candidate is decoded.
        if candidate.len() / 4 > name.len() + limit || candidate.len() + limit < name.len() {
            continue;
        }
        other.clear();
        other.extend(candidate.chars().take(name.len() + limit + 1));
        if other.len().abs_diff(name.len()) > limit {
            continue;
        }
        let bound = best.map_or(limit, |(d, _)| d);
        let cost = (name.len() as u64 + 1) * (2 * bound as u64 + 1);
        let left = SUGGESTION_BUDGET.get();
        if left < cost {
            SUGGESTION_BUDGET.set(0);
            return None;
        }
        SUGGESTION_BUDGET.set(left - cost);
        if let Some(distance) = bounded_distance(&name, &other, bound)
            && best.is_none_or(|(d, c)| (distance, candidate) < (d, c))
        {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `edge`?", or nothing when no candidate is close.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Edit distance where swapping two neighbouring characters counts as one edit (optimal
/// string alignment), the most common typo; `None` when it is over `limit`. Only cells
/// within `limit` of the diagonal can hold a distance of at most `limit`, so only those are
/// computed, in three rolling rows.
fn bounded_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let far = limit + 1;
    let width = b.len() + 1;
    let mut before = vec![far; width];
    let mut previous: Vec<usize> = (0..width).map(|j| j.min(far)).collect();
    let mut current = vec![far; width];
    for i in 1..=a.len() {
        current.fill(far);
        if i <= limit {
            current[0] = i;
        }
        let low = i.saturating_sub(limit).max(1);
        let high = (i + limit).min(b.len());
        let mut row_best = current[0];
        for j in low..=high {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut cell = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cell = cell.min(before[j - 2] + 1);
            }
            current[j] = cell.min(far);
            row_best = row_best.min(current[j]);
        }
        if row_best > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|d| *d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("egde", ["edge", "odoo18"]), Some("edge"));
        assert_eq!(closest("backend", ["edge", "odoo18"]), None);
    }

    /// The distance with a band and an early exit agrees with the full table.
    #[test]
    fn bounded_distance_agrees_with_the_full_table() {
        fn full(a: &[char], b: &[char]) -> usize {
            let mut t = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in t.iter_mut().enumerate() {
                row[0] = i;
            }
            for (j, cell) in t[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    let mut best = (t[i - 1][j] + 1)
                        .min(t[i][j - 1] + 1)
                        .min(t[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        best = best.min(t[i - 2][j - 2] + 1);
                    }
                    t[i][j] = best;
                }
            }
            t[a.len()][b.len()]
        }
        let words = [
            "", "a", "ab", "ba", "edge", "egde", "odoo18", "backend", "abcdef", "badcfe", "kitten",
            "sitting", "ca", "abc",
        ];
        for a in words {
            for b in words {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let exact = full(&x, &y);
                for limit in 0..5 {
                    assert_eq!(
                        bounded_distance(&x, &y, limit),
                        Some(exact).filter(|d| *d <= limit),
                        "{a} {b} {limit}"
                    );
                }
            }
        }
    }

    /// A long name is not compared, so a hostile spec of long names stays fast.
    #[test]
    fn long_names_get_no_suggestion() {
        let long = "n".repeat(MAX_SUGGESTED_NAME + 1);
        assert_eq!(closest(&long, [long.as_str()]), None);
        let fit = "n".repeat(MAX_SUGGESTED_NAME);
        let near = format!("{}m", "n".repeat(MAX_SUGGESTED_NAME - 1));
        assert_eq!(closest(&fit, [near.as_str()]), Some(near.as_str()));
    }
}
