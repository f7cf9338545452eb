//! The short French summary `observatoire repartition` prints on the terminal.

use super::alerts::alerts;
use super::key_label;
use crate::french::french_money;
use crate::repartition::{french_date, Statement};
use std::fmt::Write as _;

/// A short French summary for the terminal.
pub fn render_summary(statement: &Statement) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Répartition {} : appel du {} ; clé : {} {} ({})",
        statement.year,
        french_date(statement.call_date),
        key_label(statement.key.key),
        statement.key.vintage,
        statement.key.source
    );
    for alert in alerts(statement) {
        let _ = writeln!(out, "  attention : {}", alert.title);
    }
    let _ = writeln!(
        out,
        "  dépenses retenues : {} ({} dépense(s), {} groupe(s)) ; exclues : {}",
        french_money(statement.budget.total),
        statement.included.len(),
        statement.groups.len(),
        statement.excluded.len()
    );
    let _ = writeln!(
        out,
        "  temps de personnel : {}{}",
        french_money(statement.staff_total),
        if statement.call_staff {
            ""
        } else {
            " (montré, non appelé)"
        }
    );
    for member in &statement.members {
        let called = if member.is_carrier {
            "porteur, non appelé".to_string()
        } else {
            format!("à appeler {}", french_money(member.to_call))
        };
        let _ = writeln!(
            out,
            "  {} {} : total {} ; {called}",
            member.code,
            member.name,
            french_money(member.total)
        );
    }
    let _ = writeln!(
        out,
        "Total : {} ; à appeler : {}",
        french_money(statement.totals.total),
        french_money(statement.totals.to_call)
    );
    out
}
