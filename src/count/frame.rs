//! The requests as a polars data frame, and the group-by counts the indicators are made of.
//!
//! polars holds counts, pseudonyms and categories; euros stay exact: amounts enter the
//! frame as integer cents (sums of integers are exact) and medians are taken in
//! [`rust_decimal`] outside polars.

use super::records::Request;
use polars::prelude::*;

/// Column names of the requests frame.
pub const YEAR: &str = "annee";
pub const COMMUNE: &str = "commune";
pub const HOUSEHOLD: &str = "foyer";
pub const GRANTED_CENTS: &str = "montant_accorde_centimes";

/// The requests as a data frame: year, commune, household pseudonym, every categorical
/// field and the amount granted in cents (null when nothing was granted).
pub fn requests_frame(requests: &[Request], categorical: &[String]) -> PolarsResult<DataFrame> {
    let mut columns = vec![
        Column::new(
            YEAR.into(),
            requests
                .iter()
                .map(|request| request.year)
                .collect::<Vec<i32>>(),
        ),
        Column::new(
            COMMUNE.into(),
            requests
                .iter()
                .map(|request| request.commune.as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            HOUSEHOLD.into(),
            requests
                .iter()
                .map(|request| request.household_pseudonym.as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            GRANTED_CENTS.into(),
            requests
                .iter()
                .map(|request| request.amount_granted.and_then(cents))
                .collect::<Vec<Option<i64>>>(),
        ),
    ];
    for field in categorical {
        columns.push(Column::new(
            field.as_str().into(),
            requests
                .iter()
                .map(|request| request.category(field))
                .collect::<Vec<&str>>(),
        ));
    }
    DataFrame::new_infer_height(columns)
}

/// Euros → integer cents (half away from zero), `None` beyond `i64`.
pub fn cents(amount: rust_decimal::Decimal) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    (crate::french::money(amount) * rust_decimal::Decimal::ONE_HUNDRED).to_i64()
}

/// One group of an aggregation: its keys as text and its values as integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub keys: Vec<String>,
    pub values: Vec<Option<i64>>,
}

/// Runs `aggregations` grouped by `keys` and returns the groups sorted by their keys.
pub fn aggregate(
    frame: LazyFrame,
    keys: &[&str],
    aggregations: Vec<Expr>,
) -> PolarsResult<Vec<Group>> {
    let value_names: Vec<String> = (0..aggregations.len())
        .map(|position| format!("valeur_{position}"))
        .collect();
    let aggregations: Vec<Expr> = aggregations
        .into_iter()
        .zip(&value_names)
        .map(|(expression, name)| expression.cast(DataType::Int64).alias(name.as_str()))
        .collect();
    let by: Vec<Expr> = keys
        .iter()
        .map(|key| col(*key).cast(DataType::String))
        .collect();
    let sort_by: Vec<PlSmallStr> = keys.iter().map(|key| PlSmallStr::from(*key)).collect();
    let result = frame
        .group_by(by)
        .agg(aggregations)
        .sort(sort_by, SortMultipleOptions::default())
        .collect()?;
    let key_columns = keys
        .iter()
        .map(|key| result.column(key).and_then(|column| column.str().cloned()))
        .collect::<PolarsResult<Vec<StringChunked>>>()?;
    let value_columns = value_names
        .iter()
        .map(|name| result.column(name).and_then(|column| column.i64().cloned()))
        .collect::<PolarsResult<Vec<Int64Chunked>>>()?;
    let mut groups = Vec::with_capacity(result.height());
    for row in 0..result.height() {
        groups.push(Group {
            keys: key_columns
                .iter()
                .map(|column| column.get(row).unwrap_or_default().to_string())
                .collect(),
            values: value_columns.iter().map(|column| column.get(row)).collect(),
        });
    }
    Ok(groups)
}

/// Households that asked at least twice, counted per group of `keys` (which must include
/// the year, and the commune for per-commune counts).
pub fn repeat_households(frame: &DataFrame, keys: &[&str]) -> PolarsResult<Vec<Group>> {
    let mut with_household: Vec<Expr> = keys.iter().map(|key| col(*key)).collect();
    with_household.push(col(HOUSEHOLD));
    let repeated = frame
        .clone()
        .lazy()
        .group_by(with_household)
        .agg([len().alias("requetes")])
        .filter(col("requetes").gt_eq(lit(2)));
    aggregate(repeated, keys, vec![len()])
}

/// Households seen in two communes or more in the same year, counted per group of `keys`
/// (`[annee, commune]`: the commune's households also seen elsewhere; `[annee]`: all).
pub fn households_in_several_communes(
    frame: &DataFrame,
    keys: &[&str],
) -> PolarsResult<Vec<Group>> {
    let seen_elsewhere = frame
        .clone()
        .lazy()
        .with_column(
            col(COMMUNE)
                .n_unique()
                .over([col(YEAR), col(HOUSEHOLD)])?
                .alias("communes_du_foyer"),
        )
        .filter(col("communes_du_foyer").gt_eq(lit(2)));
    aggregate(seen_elsewhere, keys, vec![col(HOUSEHOLD).n_unique()])
}
