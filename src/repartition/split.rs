//! Splitting a total in cents by largest remainder (convention, article 4).
//!
//! Each member first gets the floor of its exact share, to the cent; the cents left over
//! go one each to the largest remainders. Ties on the remainder go to the larger key, then
//! to the smaller INSEE code. Everything is integer arithmetic on cents and weights, so
//! the shares always add up to the total exactly.

use std::cmp::Reverse;

/// One member taking part in a split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    /// INSEE code, the last tie-breaker.
    pub code: String,
    /// The member's key, as an integer (a population, or population × days of membership:
    /// dividing every key by the same number of days changes no share).
    pub weight: u128,
}

/// Why a total could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("le montant à répartir est négatif ({0} centimes)")]
    NegativeTotal(i64),
    #[error("aucun membre n'a de clé positive : le montant ne peut pas être réparti")]
    NoWeight,
    #[error("dépassement de capacité dans le calcul des parts")]
    Overflow,
}

/// Splits `total_cents` among `claimants` in proportion to their weights. The shares are
/// returned in the claimants' order and add up to `total_cents`.
pub fn split_cents(total_cents: i64, claimants: &[Claimant]) -> Result<Vec<i64>, SplitError> {
    if total_cents < 0 {
        return Err(SplitError::NegativeTotal(total_cents));
    }
    let total = u128::try_from(total_cents).map_err(|_| SplitError::Overflow)?;
    let total_weight = claimants
        .iter()
        .try_fold(0u128, |sum, claimant| sum.checked_add(claimant.weight))
        .ok_or(SplitError::Overflow)?;
    if total_weight == 0 {
        return if total == 0 {
            Ok(vec![0; claimants.len()])
        } else {
            Err(SplitError::NoWeight)
        };
    }
    let mut floors = Vec::with_capacity(claimants.len());
    let mut remainders = Vec::with_capacity(claimants.len());
    for claimant in claimants {
        let numerator = total
            .checked_mul(claimant.weight)
            .ok_or(SplitError::Overflow)?;
        floors.push(numerator / total_weight);
        remainders.push(numerator % total_weight);
    }
    let given: u128 = floors.iter().sum();
    // Fewer than one cent per claimant is left: the remainders sum to `left × total_weight`.
    let left = usize::try_from(total - given).map_err(|_| SplitError::Overflow)?;
    let mut order: Vec<usize> = (0..claimants.len()).collect();
    order.sort_by_key(|&index| {
        (
            Reverse(remainders[index]),
            Reverse(claimants[index].weight),
            claimants[index].code.as_str(),
            index,
        )
    });
    for &index in order.iter().take(left) {
        floors[index] += 1;
    }
    floors
        .into_iter()
        .map(|share| i64::try_from(share).map_err(|_| SplitError::Overflow))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimants(weights: &[(&str, u128)]) -> Vec<Claimant> {
        weights
            .iter()
            .map(|(code, weight)| Claimant {
                code: (*code).to_string(),
                weight: *weight,
            })
            .collect()
    }

    #[test]
    fn a_tie_on_remainders_goes_to_the_larger_key_then_the_smaller_code() {
        // 1,00 € among three equal keys: 33 cents each, one cent left, equal remainders,
        // equal keys: the smallest INSEE code gets it.
        let equal = claimants(&[("44062", 1), ("44023", 1), ("44056", 1)]);
        assert_eq!(split_cents(100, &equal), Ok(vec![33, 34, 33]));
        // 0,05 € between keys 3 and 7 out of 20 with a third member of key 10: exact
        // shares 0.75, 1.75 and 2.5 cents. Floors 0, 1, 2 (3 given), 2 cents left: the
        // remainders are 15, 15 and 10 (over 20): the first two tie, so they get one each.
        let tie = claimants(&[("44111", 3), ("44221", 7), ("44015", 10)]);
        assert_eq!(split_cents(5, &tie), Ok(vec![1, 2, 2]));
        // 1 cent between keys 1 and 3 out of 4 → exact 0.25 and 0.75; no cent given by
        // the floors; the larger remainder (3) wins.
        let uneven = claimants(&[("44015", 1), ("44023", 3)]);
        assert_eq!(split_cents(1, &uneven), Ok(vec![0, 1]));
        // Keys 2 and 2 and 4 out of 8, 2 cents: exact 0.5, 0.5, 1 → floors 0, 0, 1;
        // one cent left; remainders 4, 4, 0: a tie between equal keys: smaller code.
        let two = claimants(&[("44221", 2), ("44023", 2), ("44015", 4)]);
        assert_eq!(split_cents(2, &two), Ok(vec![0, 1, 1]));
    }

    #[test]
    fn larger_key_wins_a_tie_on_remainders() {
        // 3 cents among keys 1 (code 44015) and 2 (44023) and 3 (44056) out of 6:
        // exact 0.5, 1, 1.5 → floors 0, 1, 1; one cent left; remainders 3, 0, 3 (over 6):
        // a tie between 44015 (key 1) and 44056 (key 3): the larger key gets it.
        let tie = claimants(&[("44015", 1), ("44023", 2), ("44056", 3)]);
        assert_eq!(split_cents(3, &tie), Ok(vec![0, 1, 2]));
    }

    #[test]
    fn degenerate_totals() {
        assert_eq!(
            split_cents(-1, &claimants(&[("44015", 1)])),
            Err(SplitError::NegativeTotal(-1))
        );
        assert_eq!(
            split_cents(10, &claimants(&[("44015", 0)])),
            Err(SplitError::NoWeight)
        );
        assert_eq!(split_cents(0, &claimants(&[("44015", 0)])), Ok(vec![0]));
        assert_eq!(split_cents(0, &[]), Ok(vec![]));
    }
}
