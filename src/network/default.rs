//! The built-in network, used when no `reseau.toml` is given: the six communes of the
//! 2014 convention, with their conventions, budgets and population vintages.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    Budget, Convention, Member, Network, Population, PopulationKey, PopulationVintage,
    DEFAULT_MEDIAN_MINIMUM,
};

impl Network {
    /// The six communes of the 2014 convention, used when no `reseau.toml` is given.
    ///
    /// Populations of Blain, Bouvron and Fay-de-Bretagne are INSEE's 2021 legal
    /// populations; the other figures, and the whole 2018 vintage, are illustrative.
    pub fn default_network() -> Network {
        let day = |year, month, day| NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default();
        let signing = day(2014, 1, 1);
        let communes = [
            ("44015", "Blain"),
            ("44023", "Bouvron"),
            ("44056", "Fay-de-Bretagne"),
            ("44062", "Le Gâvre"),
            ("44111", "Notre-Dame-des-Landes"),
            ("44221", "La Chevallerais"),
        ];
        let membres = communes
            .iter()
            .map(|(code, nom)| Member {
                code: (*code).to_string(),
                nom: (*nom).to_string(),
                adhesion: signing,
                sortie: None,
            })
            .collect();
        // The 2014 convention, then a renewal by avenant every three years.
        let conventions = (0..5)
            .map(|renewal| Convention {
                debut: day(2014 + 3 * renewal, 1, 1),
                fin: day(2016 + 3 * renewal, 12, 31),
            })
            .collect();
        let budgets = (2014..=2026)
            .map(|annee| Budget {
                annee,
                montant: Decimal::new(400_000, 2),
            })
            .collect();
        let vintage = |millesime, en_vigueur, source: &str, figures: [(&str, u64, u64); 6]| {
            PopulationVintage {
                millesime,
                en_vigueur,
                source: source.to_string(),
                valeurs: figures
                    .iter()
                    .map(|(code, municipale, totale)| {
                        (
                            (*code).to_string(),
                            Population {
                                municipale: *municipale,
                                totale: *totale,
                            },
                        )
                    })
                    .collect(),
            }
        };
        let populations = vec![
            vintage(
                2018,
                day(2021, 1, 1),
                "Valeurs illustratives (millésime 2018)",
                [
                    ("44015", 9_950, 10_170),
                    ("44023", 3_010, 3_070),
                    ("44056", 3_660, 3_735),
                    ("44062", 1_900, 1_940),
                    ("44111", 2_200, 2_245),
                    ("44221", 1_520, 1_550),
                ],
            ),
            vintage(
                2021,
                day(2024, 1, 1),
                "Insee, populations légales 2021 (Blain, Bouvron, Fay-de-Bretagne) ; \
                 autres valeurs illustratives",
                [
                    ("44015", 10_187, 10_412),
                    ("44023", 3_069, 3_130),
                    ("44056", 3_750, 3_825),
                    ("44062", 1_950, 1_990),
                    ("44111", 2_250, 2_295),
                    ("44221", 1_559, 1_590),
                ],
            ),
        ];
        Network {
            nom: "Réseau des acteurs sociaux".to_string(),
            porteur: "44015".to_string(),
            cle_population: PopulationKey::Totale,
            seuil_secret: 5,
            intervalle_protection: 5,
            effectif_minimum_mediane: DEFAULT_MEDIAN_MINIMUM,
            appeler_personnel: true,
            membres,
            conventions,
            budgets,
            journees: Vec::new(),
            populations,
            is_default: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::date;
    use super::super::parse_network;
    use super::super::reader::Places;
    use super::super::rules::check;
    use super::*;
    use crate::diagnostic::Diagnostic;

    #[test]
    fn default_network_passes_its_own_checks() {
        let network = Network::default_network();
        assert!(network.is_default);
        assert_eq!(network.membres.len(), 6);
        assert_eq!(
            check(&network, &Places::default()),
            Vec::<Diagnostic>::new()
        );
        assert_eq!(network.budget(2014), Some(Decimal::new(400_000, 2)));
        assert_eq!(network.budget(2026), Some(Decimal::new(400_000, 2)));
        let first = network.conventions.first().unwrap();
        let last = network.conventions.last().unwrap();
        assert_eq!(
            (first.debut, last.fin),
            (date(2014, 1, 1), date(2028, 12, 31))
        );
        for pair in network.conventions.windows(2) {
            assert_eq!(pair[0].fin.succ_opt(), Some(pair[1].debut));
        }
        for vintage in &network.populations {
            for population in vintage.valeurs.values() {
                assert!(population.totale >= population.municipale);
            }
        }
        let vintage_2022 = network.vintage_on(date(2022, 6, 1)).unwrap();
        assert_eq!(vintage_2022.millesime, 2018);
        let vintage_2024 = network.vintage_on(date(2024, 11, 15)).unwrap();
        assert_eq!(network.population_of(vintage_2024, "44015"), Some(10412));
        assert_eq!(vintage_2024.valeurs["44221"].municipale, 1559);
    }

    #[test]
    fn default_network_written_as_toml_reads_back_the_same() {
        let default = Network::default_network();
        let written = toml::to_string(&default).unwrap();
        let without_flag: String = written
            .lines()
            .filter(|line| !line.starts_with("is_default"))
            .map(|line| format!("{line}\n"))
            .collect();
        let read = parse_network(&without_flag).unwrap();
        assert_eq!(
            read,
            Network {
                is_default: false,
                ..default
            }
        );
    }
}
