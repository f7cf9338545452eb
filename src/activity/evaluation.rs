//! The yearly evaluation (article 7) as one model that both renderers show: the COPIL
//! meetings against the minimum, each member's attendance, the other actions and their
//! participants by kind, the money by action line (from `repartition`), the validated
//! expenses without a supporting document (article 6), the convention's dates (article
//! 11) and the key figures of the published needs analysis.

use crate::check::activity::commune_list;
use crate::check::{CheckedSheet, Checker, Record, Value};
use crate::diagnostic::Diagnostic;
use crate::french::french_money;
use crate::network::Network;
use crate::repartition::{self, french_date, Statement, ACTION_LINES, RENEGOTIATION_MONTHS};
use crate::verify::Verification;
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::path::Path;

/// The COPIL meets « a minima 4 fois par an » (article 7).
pub const MINIMUM_COPIL_MEETINGS: usize = 4;

/// The instance of the steering committee in the `activite` schema.
const COPIL: &str = "COPIL";

/// One row of the activity sheet, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    #[serde(skip)]
    pub day: NaiveDate,
    pub date: String,
    pub instance: String,
    pub theme: String,
    /// INSEE codes of the communes represented.
    #[serde(skip)]
    pub codes: Vec<String>,
    /// Their names, in the network's order.
    pub communes: String,
    /// Élus, professionnels, bénévoles, autres.
    pub participants: [i64; 4],
    pub total: i64,
    #[serde(rename = "ligne_action")]
    pub action_line: String,
    #[serde(rename = "suite")]
    pub follow_up: String,
}

/// One member's presence at the COPIL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub code: String,
    #[serde(rename = "nom")]
    pub name: String,
    pub present: usize,
    pub never: bool,
}

/// The meetings of one instance and their participants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceTotals {
    pub instance: String,
    pub meetings: usize,
    pub participants: [i64; 4],
    pub total: i64,
}

/// Expenses and staff time of one action line, in euros as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineMoney {
    #[serde(rename = "ligne")]
    pub line: String,
    #[serde(rename = "depenses")]
    pub expenses: String,
    #[serde(rename = "personnel")]
    pub staff: String,
}

/// The money of the year, from the cost-sharing's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Money {
    pub budget: Option<String>,
    #[serde(rename = "depenses")]
    pub expenses: String,
    pub overrun: Option<String>,
    #[serde(rename = "personnel")]
    pub staff: String,
    pub lines: Vec<LineMoney>,
    /// Expenses of the year not shared (no COPIL validation, or one after the expense).
    pub not_validated: usize,
    /// Rows of the cost files left out for errors (they are not counted here).
    pub rejected_rows: usize,
}

/// A validated expense of the year whose supporting document number is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingPiece {
    #[serde(rename = "lieu")]
    pub place: String,
    pub date: String,
    #[serde(rename = "libelle")]
    pub label: String,
    #[serde(rename = "montant")]
    pub amount: String,
    pub validation: String,
}

/// The convention in force in the year, and its renegotiation deadline (article 11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConventionDates {
    #[serde(rename = "debut")]
    pub start: String,
    #[serde(rename = "fin")]
    pub end: String,
    pub renegotiation: String,
    /// The next period already recorded in `reseau.toml`, if any.
    pub renewal: Option<String>,
    /// The deadline falls in the year or before its end, with no renewal recorded.
    pub urgent: bool,
}

/// A key figure of the published needs analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
}

/// Everything the evaluation shows.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub network_name: String,
    pub year: i32,
    pub minimum_copil: usize,
    pub copil: Vec<Meeting>,
    /// Warnings of the first page (COPIL below the minimum, renegotiation due).
    pub warnings: Vec<String>,
    pub attendance: Vec<Attendance>,
    pub never_present: Vec<String>,
    pub actions: Vec<Meeting>,
    pub instance_totals: Vec<InstanceTotals>,
    pub money: Option<Money>,
    pub money_unavailable: Option<String>,
    pub missing_pieces: Vec<MissingPiece>,
    pub convention: Option<ConventionDates>,
    pub key_figures: Vec<KeyFigure>,
    pub key_figures_unavailable: Option<String>,
    /// Rows of the activity sheets left out for errors.
    pub activity_rows_rejected: usize,
    /// The cost-sharing's statement the money comes from.
    #[serde(skip)]
    pub statement: Option<Statement>,
    /// Problems found while computing the money (as `repartition` reports them).
    #[serde(skip)]
    pub money_problems: Vec<Diagnostic>,
}

fn text_of(record: &Record, index: Option<usize>) -> String {
    index
        .and_then(|index| record.values.get(index))
        .and_then(Value::as_text)
        .unwrap_or_default()
        .to_string()
}

fn value_of(record: &Record, index: Option<usize>) -> &Value {
    index
        .and_then(|index| record.values.get(index))
        .unwrap_or(&Value::Missing)
}

/// The accepted rows of the year's activity sheets, sorted by date then instance.
fn meetings_of_year(checker: &Checker<'_>, sheets: &[CheckedSheet], year: i32) -> Vec<Meeting> {
    let mut meetings = Vec::new();
    for sheet in sheets
        .iter()
        .filter(|sheet| sheet.schema.name == "activite")
    {
        let field = |name: &str| sheet.schema.field_index(name);
        let kinds = [
            field("participants_elus"),
            field("participants_professionnels"),
            field("participants_benevoles"),
            field("participants_autres"),
        ];
        for record in sheet.records.iter().filter(|record| !record.rejected) {
            let Some(day) = value_of(record, field("date")).as_date() else {
                continue;
            };
            if value_of(record, field("annee")).as_integer() != Some(i64::from(year)) {
                continue;
            }
            let codes = commune_list(checker, &text_of(record, field("communes"))).codes;
            let participants =
                kinds.map(|kind| value_of(record, kind).as_integer().unwrap_or(0).max(0));
            meetings.push(Meeting {
                day,
                date: french_date(day),
                instance: text_of(record, field("instance")),
                theme: text_of(record, field("theme")),
                communes: names_of(checker.network(), &codes),
                codes,
                participants,
                total: participants.iter().sum(),
                action_line: text_of(record, field("ligne_action")),
                follow_up: text_of(record, field("suite_donnee")),
            });
        }
    }
    meetings.sort_by(|left, right| {
        (left.day, &left.instance, &left.theme).cmp(&(right.day, &right.instance, &right.theme))
    });
    meetings
}

/// The names of communes, in the network's order.
fn names_of(network: &Network, codes: &[String]) -> String {
    network
        .members
        .iter()
        .filter(|member| codes.contains(&member.code))
        .map(|member| member.name.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each member of the year (at least one day of membership) and its COPIL meetings.
fn attendance(network: &Network, copil: &[Meeting], year: i32) -> Vec<Attendance> {
    network
        .members
        .iter()
        .filter(|member| network.days_of_membership(&member.code, year) > 0)
        .map(|member| {
            let present = copil
                .iter()
                .filter(|meeting| meeting.codes.contains(&member.code))
                .count();
            Attendance {
                code: member.code.clone(),
                name: member.name.clone(),
                present,
                never: present == 0,
            }
        })
        .collect()
}

/// The meetings of each instance other than the COPIL, in the schema's order.
fn instance_totals(actions: &[Meeting]) -> Vec<InstanceTotals> {
    let mut totals: Vec<InstanceTotals> = Vec::new();
    for meeting in actions {
        let position = match totals
            .iter()
            .position(|total| total.instance == meeting.instance)
        {
            Some(position) => position,
            None => {
                totals.push(InstanceTotals {
                    instance: meeting.instance.clone(),
                    meetings: 0,
                    participants: [0; 4],
                    total: 0,
                });
                totals.len() - 1
            }
        };
        let total = &mut totals[position];
        total.meetings += 1;
        for (sum, count) in total.participants.iter_mut().zip(meeting.participants) {
            *sum += count;
        }
        total.total += meeting.total;
    }
    let order = |instance: &str| {
        crate::schema::schemas()
            .ok()
            .and_then(|set| set.get("activite"))
            .and_then(|schema| schema.fields.iter().find(|field| field.name == "instance"))
            .and_then(|field| field.categories())
            .and_then(|labels| labels.iter().position(|label| label == instance))
            .unwrap_or(usize::MAX)
    };
    totals.sort_by_key(|total| order(&total.instance));
    totals
}

/// The money of the year from the cost-sharing, or why it is not available.
fn money(
    folder: &Path,
    verification: &Verification,
    year: i32,
) -> (Option<Statement>, Option<String>, Vec<Diagnostic>, usize) {
    let (inputs, diagnostics) = repartition::inputs::from_verification(folder, verification);
    let rejected_rows = verification
        .sheets
        .iter()
        .filter(|sheet| matches!(sheet.schema.name.as_str(), "depenses" | "temps_personnel"))
        .map(|sheet| sheet.rows_read() - sheet.rows_accepted())
        .sum();
    let Some(inputs) = inputs else {
        return (
            None,
            Some(
                "pas de fichier reseau.toml : les budgets et les membres du réseau sont inconnus"
                    .to_string(),
            ),
            diagnostics
                .into_iter()
                .filter(|diagnostic| diagnostic.code == crate::diagnostic::Code::E053)
                .collect(),
            rejected_rows,
        );
    };
    match repartition::compute(&inputs, year, None) {
        Ok(statement) => (Some(statement), None, Vec::new(), rejected_rows),
        Err(problems) => (
            None,
            Some("la répartition des coûts de l'année n'a pas pu être calculée (voir les erreurs affichées par la commande)".to_string()),
            problems,
            rejected_rows,
        ),
    }
}

fn money_view(statement: &Statement, rejected_rows: usize) -> Money {
    let amount_of = |per_line: &[(String, Decimal)], line: &str| {
        per_line
            .iter()
            .find(|(name, _)| name == line)
            .map_or(Decimal::ZERO, |(_, amount)| *amount)
    };
    Money {
        budget: statement.budget.budget.map(french_money),
        expenses: french_money(statement.budget.total),
        overrun: statement.budget.overrun.map(french_money),
        staff: french_money(statement.staff_total),
        lines: ACTION_LINES
            .iter()
            .map(|line| LineMoney {
                line: (*line).to_string(),
                expenses: french_money(amount_of(&statement.budget.per_line, line)),
                staff: french_money(amount_of(&statement.staff_per_line, line)),
            })
            .collect(),
        not_validated: statement.excluded.len(),
        rejected_rows,
    }
}

/// Validated expenses of the year whose `piece` is empty: the checker rejects them
/// (the field is required), so they are looked for among the rejected rows.
fn missing_pieces(sheets: &[CheckedSheet], year: i32) -> Vec<MissingPiece> {
    let mut missing = Vec::new();
    for sheet in sheets
        .iter()
        .filter(|sheet| sheet.schema.name == "depenses")
    {
        let field = |name: &str| sheet.schema.field_index(name);
        let Some(piece) = field("piece") else {
            continue;
        };
        for record in &sheet.records {
            let (Some(date), Some(validation)) = (
                value_of(record, field("date")).as_date(),
                value_of(record, field("date_validation_copil")).as_date(),
            ) else {
                continue;
            };
            if date.year() != year || !value_of(record, Some(piece)).is_missing() {
                continue;
            }
            missing.push(MissingPiece {
                place: sheet.cell_location(record.row, piece).display_path(),
                date: french_date(date),
                label: text_of(record, field("libelle")),
                amount: value_of(record, field("montant"))
                    .as_decimal()
                    .map(french_money)
                    .unwrap_or_default(),
                validation: french_date(validation),
            });
        }
    }
    missing
}

/// The convention covering the end of the year (or the last one that started by then),
/// and its renegotiation deadline: six months before it ends (article 11).
fn convention_dates(network: &Network, year: i32) -> Option<ConventionDates> {
    let end_of_year = NaiveDate::from_ymd_opt(year, 12, 31)?;
    let start_of_year = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let current = network
        .conventions
        .iter()
        .filter(|convention| convention.start <= end_of_year && convention.end >= start_of_year)
        .max_by_key(|convention| convention.end)?;
    let deadline = current
        .end
        .checked_sub_months(Months::new(RENEGOTIATION_MONTHS))?;
    let renewal = network
        .conventions
        .iter()
        .find(|next| next.start > current.start && next.start <= current.end + chrono::Days::new(1))
        .map(|next| {
            format!(
                "du {} au {}",
                french_date(next.start),
                french_date(next.end)
            )
        });
    Some(ConventionDates {
        start: french_date(current.start),
        end: french_date(current.end),
        renegotiation: french_date(deadline),
        urgent: renewal.is_none() && deadline <= end_of_year,
        renewal,
    })
}

/// The key indicators of the needs analysis, with their French label and unit.
const KEY_FIGURES: [(&str, &str, &str); 7] = [
    ("demandes", "Demandes d'aide facultative", ""),
    ("foyers_distincts", "Foyers distincts", ""),
    (
        "part_demandes_accordees",
        "Part des demandes accordées",
        "\u{a0}%",
    ),
    ("montant_accorde", "Montant accordé", "\u{a0}€"),
    (
        "delai_median_decision",
        "Délai médian de décision",
        "\u{a0}jours",
    ),
    (
        "reste_a_vivre_median",
        "Reste à vivre médian (par jour et par unité de consommation)",
        "\u{a0}€",
    ),
    (
        "demandes_pour_1000_habitants",
        "Demandes pour 1\u{a0}000 habitants",
        "",
    ),
];

/// The network's key figures of the year in the published edition's `indicateurs.csv`
/// (`;`, decimal comma; a hidden cell is « s »).
fn key_figures(verification: &Verification, year: i32) -> Result<Vec<KeyFigure>, String> {
    let options = crate::report::ReportOptions {
        year: Some(year),
        ..crate::report::ReportOptions::default()
    };
    let report = crate::report::build(verification, &options).map_err(|error| error.to_string())?;
    let csv = report
        .files
        .iter()
        .find(|file| file.path == Path::new("indicateurs.csv"))
        .map(|file| String::from_utf8_lossy(&file.bytes).into_owned())
        .unwrap_or_default();
    let year_text = year.to_string();
    let mut figures = Vec::new();
    for (code, label, unit) in KEY_FIGURES {
        let row = csv
            .lines()
            .map(|line| line.split(';').collect::<Vec<_>>())
            .find(|fields| {
                fields.len() >= 7
                    && fields[0].trim_start_matches('\u{feff}') == year_text
                    && fields[1] == crate::count::NETWORK
                    && fields[3] == code
                    && fields[4] == crate::schema::TOTAL_MODALITY
            });
        let Some(fields) = row else { continue };
        let hidden = fields[6] != "0" || fields[5] == "s" || fields[5].is_empty();
        let value = if hidden {
            "s".to_string()
        } else {
            let number: Option<Decimal> = fields[5].replace(',', ".").parse().ok();
            let shown = number.map_or_else(|| fields[5].to_string(), crate::french::french_decimal);
            format!("{shown}{unit}")
        };
        figures.push(KeyFigure {
            label: label.to_string(),
            value,
        });
    }
    Ok(figures)
}

/// The warnings of the first page.
fn warnings(evaluation: &Evaluation) -> Vec<String> {
    let mut warnings = Vec::new();
    let held = evaluation.copil.len();
    if held == 0 {
        warnings.push(format!(
            "Aucune réunion du COPIL n'est enregistrée pour {} : la convention (article 7) demande au moins {MINIMUM_COPIL_MEETINGS} réunions par an.",
            evaluation.year
        ));
    } else if held < MINIMUM_COPIL_MEETINGS {
        warnings.push(format!(
            "Le COPIL s'est réuni {held} fois en {} : la convention (article 7) demande au moins {MINIMUM_COPIL_MEETINGS} réunions par an.",
            evaluation.year
        ));
    }
    match evaluation.never_present.as_slice() {
        [] => {}
        [one] => warnings.push(format!(
            "La commune de {one} n'a été représentée à aucune réunion du COPIL en {}.",
            evaluation.year
        )),
        several => warnings.push(format!(
            "Les communes {} n'ont été représentées à aucune réunion du COPIL en {}.",
            several.join(", "),
            evaluation.year
        )),
    }
    if let Some(convention) = evaluation
        .convention
        .as_ref()
        .filter(|convention| convention.urgent)
    {
        warnings.push(format!(
            "La convention prend fin le {} : elle doit être renégociée au plus tard le {} (article 11).",
            convention.end, convention.renegotiation
        ));
    }
    if let Some(overrun) = evaluation
        .money
        .as_ref()
        .and_then(|money| money.overrun.as_ref())
    {
        warnings.push(format!(
            "Les dépenses validées dépassent le budget de l'année de {overrun}."
        ));
    }
    if !evaluation.missing_pieces.is_empty() {
        warnings.push(format!(
            "{} sans numéro de pièce justificative (article 6) : voir la section « Pièces justificatives ».",
            crate::french::french_count(
                evaluation.missing_pieces.len(),
                "dépense validée",
                "dépenses validées"
            )
        ));
    }
    warnings
}

/// Builds the evaluation of `year` from a verified folder.
pub fn evaluate(folder: &Path, verification: &Verification, year: i32) -> Evaluation {
    let network = &verification.network;
    let schemas = crate::schema::schemas().ok();
    let meetings = match schemas {
        Some(schemas) => {
            meetings_of_year(&Checker::new(schemas, network), &verification.sheets, year)
        }
        None => Vec::new(),
    };
    let (copil, actions): (Vec<Meeting>, Vec<Meeting>) = meetings
        .into_iter()
        .partition(|meeting| meeting.instance == COPIL);
    let attendance = attendance(network, &copil, year);
    let never_present = attendance
        .iter()
        .filter(|member| member.never)
        .map(|member| member.name.clone())
        .collect();
    let (statement, money_unavailable, money_problems, rejected_rows) =
        money(folder, verification, year);
    let (key_figures, key_figures_unavailable) = match key_figures(verification, year) {
        Ok(figures) => (figures, None),
        Err(error) => (Vec::new(), Some(error)),
    };
    let mut evaluation = Evaluation {
        network_name: network.name.clone(),
        year,
        minimum_copil: MINIMUM_COPIL_MEETINGS,
        instance_totals: instance_totals(&actions),
        copil,
        warnings: Vec::new(),
        attendance,
        never_present,
        actions,
        money: statement
            .as_ref()
            .map(|statement| money_view(statement, rejected_rows)),
        money_unavailable,
        missing_pieces: missing_pieces(&verification.sheets, year),
        convention: convention_dates(network, year),
        key_figures,
        key_figures_unavailable,
        activity_rows_rejected: verification
            .sheets
            .iter()
            .filter(|sheet| sheet.schema.name == "activite")
            .map(|sheet| sheet.rows_read() - sheet.rows_accepted())
            .sum(),
        statement,
        money_problems,
    };
    evaluation.warnings = warnings(&evaluation);
    evaluation
}
