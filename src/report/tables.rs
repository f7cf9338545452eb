//! The report's tables, built once from the indicators and the mask, then rendered as
//! HTML, xlsx sheets and chart data alike, so that every output shows the same figures.

use crate::count::{Indicators, Key, Unit, NETWORK};
use crate::french::{french_fixed, french_integer, french_money};
use crate::protect::Secret;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

/// What a hidden value shows.
pub const SECRET_MARK: &str = "s";
/// What a value that does not exist shows.
pub const MISSING_MARK: &str = "—";

/// One cell as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shown {
    pub text: String,
    /// The number behind the text, for the workbook (`None`: text, « s » or « — »).
    pub number: Option<f64>,
    /// The workbook number format of `number`.
    pub format: &'static str,
    pub secret: bool,
    /// Whether the value is the network's (shown in bold).
    pub strong: bool,
}

impl Shown {
    pub fn text(text: impl Into<String>) -> Shown {
        Shown {
            text: text.into(),
            number: None,
            format: "",
            secret: false,
            strong: false,
        }
    }

    pub fn missing() -> Shown {
        Shown::text(MISSING_MARK)
    }

    pub fn secret() -> Shown {
        Shown {
            secret: true,
            ..Shown::text(SECRET_MARK)
        }
    }

    /// A value formatted by its unit.
    pub fn value(value: Decimal, unit: Unit) -> Shown {
        let (text, format) = match unit {
            Unit::Requests | Unit::Households => {
                (french_integer(value.trunc().to_i64().unwrap_or(0)), "#,##0")
            }
            Unit::Euros | Unit::EurosPerDay => (french_money(value), "#,##0.00\\ \"€\""),
            Unit::Percent => (format!("{}\u{a0}%", french_fixed(value, 1)), "0.0"),
            Unit::Days | Unit::PerThousand => (french_fixed(value, 1), "0.0"),
            Unit::Index => (french_fixed(value, 2), "0.00"),
        };
        Shown {
            text,
            number: value.to_f64().filter(|number| number.is_finite()),
            format,
            secret: false,
            strong: false,
        }
    }

    pub fn strong(mut self) -> Shown {
        self.strong = true;
        self
    }
}

/// One table of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Stable identifier (HTML anchor, sheet name).
    pub id: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Shown>>,
    pub note: Option<String>,
}

/// Reads values through the mask.
pub struct View<'a> {
    pub indicators: &'a Indicators,
    pub secret: &'a Secret,
    pub names: &'a dyn Fn(&str) -> String,
}

impl View<'_> {
    /// The value of a cell as shown: « s » when hidden, « — » when absent.
    pub fn shown(&self, year: i32, commune: &str, indicator: &str, modality: &str) -> Shown {
        let key = Key::new(year, commune, indicator, modality);
        let unit = self
            .indicators
            .definition(indicator)
            .map_or(Unit::Requests, |definition| definition.unit);
        let shown = if self.secret.is_hidden(&key) {
            Shown::secret()
        } else {
            match self.indicators.figures.get(&key) {
                Some(figure) => Shown::value(figure.value, unit),
                None => Shown::missing(),
            }
        };
        if commune == NETWORK {
            shown.strong()
        } else {
            shown
        }
    }

    /// The value when published (for charts and variations).
    pub fn published(
        &self,
        year: i32,
        commune: &str,
        indicator: &str,
        modality: &str,
    ) -> Option<Decimal> {
        let key = Key::new(year, commune, indicator, modality);
        if self.secret.is_hidden(&key) {
            return None;
        }
        self.indicators.figures.get(&key).map(|figure| figure.value)
    }

    /// Communes with data in `year`, then the network.
    pub fn rows_of_year(&self, year: i32) -> Vec<String> {
        self.indicators
            .rows()
            .into_iter()
            .filter(|commune| {
                commune == NETWORK
                    || self
                        .indicators
                        .sources
                        .contains_key(&(year, commune.clone()))
            })
            .collect()
    }

    /// Communes × modalities of a breakdown, with the commune's total in the last column.
    pub fn breakdown(
        &self,
        id: &str,
        year: i32,
        code: &str,
        total_code: Option<&str>,
    ) -> Option<Table> {
        let definition = self.indicators.definition(code)?;
        let rows_of_year = self.rows_of_year(year);
        // Drop the « Non renseigné » column when it is empty everywhere.
        let modalities: Vec<&String> = definition
            .modalities
            .iter()
            .filter(|modality| {
                modality.as_str() != crate::count::records::NOT_GIVEN
                    || rows_of_year.iter().any(|commune| {
                        self.indicators
                            .get(year, commune, code, modality)
                            .is_some_and(|figure| !figure.value.is_zero())
                    })
            })
            .collect();
        let mut headers = vec!["Commune".to_string()];
        headers.extend(modalities.iter().map(|modality| (*modality).clone()));
        if total_code.is_some() {
            headers.push("Total".to_string());
        }
        let mut rows = Vec::new();
        for commune in &rows_of_year {
            let mut row = vec![Shown::text((self.names)(commune))];
            if commune == NETWORK {
                row[0].strong = true;
            }
            for modality in &modalities {
                row.push(self.shown(year, commune, code, modality));
            }
            if let Some(total_code) = total_code {
                row.push(self.shown(year, commune, total_code, crate::schema::TOTAL_MODALITY));
            }
            rows.push(row);
        }
        Some(Table {
            id: id.to_string(),
            title: format!("{} ({year})", definition.label),
            headers,
            rows,
            note: None,
        })
    }
}
