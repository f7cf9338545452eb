//! `indicateurs.csv`: every value of every year in long format, for spreadsheets and
//! scripts: `;` separator, UTF-8 with a byte-order mark and a decimal comma, so that French
//! Excel opens it as it is. A hidden value is empty, with `secret = 1`.

use super::Context;
use crate::count::NETWORK;

fn escape(field: &str) -> String {
    if field.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The CSV file's bytes.
pub fn render(context: &Context) -> Vec<u8> {
    let internal = context.options.internal;
    let mut text =
        String::from("\u{feff}annee;code_commune;commune;indicateur;modalite;valeur;secret");
    if internal {
        text.push_str(";diffusion");
    }
    text.push_str("\r\n");
    let indicators = context.indicators;
    for year in &indicators.years {
        for commune in indicators.rows() {
            for definition in &indicators.definitions {
                for modality in &definition.modalities {
                    let key = crate::count::Key::new(*year, &commune, &definition.code, modality);
                    let Some(figure) = indicators.figures.get(&key) else {
                        continue;
                    };
                    let hidden = context.secret.is_hidden(&key);
                    let value = if hidden {
                        String::new()
                    } else {
                        figure.value.normalize().to_string().replace('.', ",")
                    };
                    let name = if commune == NETWORK {
                        context.verification.network.nom.clone()
                    } else {
                        context.name(&commune)
                    };
                    text.push_str(&format!(
                        "{year};{};{};{};{};{value};{}",
                        escape(&commune),
                        escape(&name),
                        escape(&definition.code),
                        escape(modality),
                        u8::from(hidden)
                    ));
                    if internal {
                        text.push(';');
                        text.push_str(super::INTERNAL_BANNER);
                    }
                    text.push_str("\r\n");
                }
            }
        }
    }
    text.into_bytes()
}
