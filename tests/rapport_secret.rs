//! The statistical secret's suppression: property tests on random tables with margins,
//! a recovery-by-subtraction attack, and « can the network total plus five communes reveal
//! the sixth? ».

use observatoire::protect::suppression::{protect, recoverable_cells, Cell, Equation, Problem};
use proptest::prelude::*;

const THRESHOLD: i64 = 5;

/// A communes × modalities table with its margins, and optionally a second breakdown
/// sharing the commune totals. Cells: for each table, rows (communes, then network) ×
/// columns (modalities); then the totals column (communes, then network).
struct Layout {
    communes: usize,
    problem: Problem,
}

fn layout(tables: &[Vec<Vec<i64>>]) -> Layout {
    let communes = tables[0].len();
    let mut problem = Problem::default();
    let push = |value: i64, problem: &mut Problem| {
        problem.cells.push(Cell {
            value,
            primary: value > 0 && value < THRESHOLD,
        });
        problem.cells.len() - 1
    };
    // Commune totals (the first table's row sums), then the network total.
    let totals: Vec<i64> = tables[0].iter().map(|row| row.iter().sum()).collect();
    let mut total_cells: Vec<usize> = totals
        .iter()
        .map(|value| push(*value, &mut problem))
        .collect();
    total_cells.push(push(totals.iter().sum(), &mut problem));
    problem.equations.push(Equation {
        parts: total_cells[..communes].to_vec(),
        total: total_cells[communes],
    });
    for table in tables {
        let modalities = table[0].len();
        let mut cells = vec![vec![0usize; modalities]; communes + 1];
        for modality in 0..modalities {
            let mut network = 0;
            for commune in 0..communes {
                network += table[commune][modality];
                cells[commune][modality] = push(table[commune][modality], &mut problem);
            }
            cells[communes][modality] = push(network, &mut problem);
            problem.equations.push(Equation {
                parts: (0..communes)
                    .map(|commune| cells[commune][modality])
                    .collect(),
                total: cells[communes][modality],
            });
        }
        for row in 0..=communes {
            problem.equations.push(Equation {
                parts: cells[row].clone(),
                total: total_cells[row],
            });
        }
    }
    Layout { communes, problem }
}

/// The attacker: repeatedly solves every equation with a single unknown, using the
/// published cells and what was already solved. Returns the hidden cells recovered.
fn subtraction_attack(problem: &Problem, hidden: &[bool]) -> Vec<usize> {
    let mut known: Vec<Option<i64>> = problem
        .cells
        .iter()
        .zip(hidden)
        .map(|(cell, hidden)| (!hidden).then_some(cell.value))
        .collect();
    loop {
        let mut progress = false;
        for equation in &problem.equations {
            let unknown: Vec<usize> = equation
                .parts
                .iter()
                .copied()
                .chain(std::iter::once(equation.total))
                .filter(|cell| known[*cell].is_none())
                .collect();
            if unknown.len() != 1 {
                continue;
            }
            let cell = unknown[0];
            let parts: i64 = equation.parts.iter().filter_map(|part| known[*part]).sum();
            let value = if cell == equation.total {
                parts
            } else {
                known[equation.total].unwrap_or(0) - parts
            };
            known[cell] = Some(value);
            progress = true;
        }
        if !progress {
            break;
        }
    }
    (0..problem.cells.len())
        .filter(|cell| hidden[*cell] && known[*cell].is_some())
        .collect()
}

fn assert_protected(layout: &Layout) -> Vec<bool> {
    let mask = protect(&layout.problem);
    let problem = &layout.problem;
    for (position, cell) in problem.cells.iter().enumerate() {
        if cell.primary {
            assert!(mask.hidden[position], "primary cell {position} published");
        }
    }
    for equation in &problem.equations {
        let hidden = equation
            .parts
            .iter()
            .chain(std::iter::once(&equation.total))
            .filter(|cell| mask.hidden[**cell])
            .count();
        assert_ne!(hidden, 1, "a lone hidden cell in {equation:?}");
    }
    assert!(mask.audited);
    assert_eq!(recoverable_cells(problem, &mask.hidden), Some(Vec::new()));
    assert_eq!(
        subtraction_attack(problem, &mask.hidden),
        Vec::<usize>::new()
    );
    mask.hidden
}

fn table(communes: usize, modalities: usize) -> impl Strategy<Value = Vec<Vec<i64>>> {
    prop::collection::vec(prop::collection::vec(0i64..30, modalities), communes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn one_table_is_protected(data in (2usize..8, 2usize..7).prop_flat_map(|(rows, columns)| table(rows, columns))) {
        assert_protected(&layout(&[data]));
    }

    #[test]
    fn tables_sharing_commune_totals_are_protected_together(
        (first, second) in (2usize..7, 2usize..5, 2usize..5).prop_flat_map(|(rows, left, right)| {
            (table(rows, left), prop::collection::vec(prop::collection::vec(0i64..30, right), rows))
        })
    ) {
        // The second breakdown must add up to the same commune totals: rescale its last
        // column so that each row sums like the first table's row.
        let mut second = second;
        for (row, reference) in second.iter_mut().zip(&first) {
            let target: i64 = reference.iter().sum();
            let others: i64 = row[..row.len() - 1].iter().sum();
            if others > target {
                for value in row.iter_mut() { *value = 0; }
                row[0] = target;
            } else if let Some(last) = row.last_mut() {
                *last = target - others;
            }
        }
        assert_protected(&layout(&[first, second]));
    }

    #[test]
    fn the_same_input_gives_the_same_mask(data in table(5, 4)) {
        let layout = layout(&[data]);
        prop_assert_eq!(protect(&layout.problem), protect(&layout.problem));
    }
}

/// « Can the network total plus five communes reveal the sixth? » No: when the sixth
/// commune has a small cell, another commune's cell of the same column is hidden too, and
/// another cell of the sixth commune's row, so neither the network row minus the five
/// others nor the commune's total minus its other cells gives it.
#[test]
fn network_total_and_five_communes_do_not_reveal_the_sixth() {
    let data = vec![
        vec![97, 67, 35, 25],
        vec![19, 20, 12, 6],
        vec![41, 27, 11, 11],
        vec![19, 10, 8, 7],
        vec![23, 19, 9, 12],
        vec![10, 12, 3, 9], // the sixth commune: 3 requests of the third modality
    ];
    let layout = layout(&[data]);
    let hidden = assert_protected(&layout);
    // Cell indices: 7 totals (6 communes + network), then per modality 6 communes + network.
    let cell = |commune: usize, modality: usize| 7 + modality * 7 + commune;
    assert!(hidden[cell(5, 2)]);
    // The attacker knows every published cell of the five other communes and the network:
    let others_hidden_in_column = (0..5).filter(|commune| hidden[cell(*commune, 2)]).count();
    assert!(
        others_hidden_in_column >= 1,
        "the column would give the sixth by subtraction"
    );
    assert!(
        !hidden[cell(layout.communes, 2)],
        "the network total stays published here"
    );
    let row_hidden = (0..4).filter(|modality| hidden[cell(5, *modality)]).count();
    assert!(row_hidden >= 2);
    assert!(subtraction_attack(&layout.problem, &hidden).is_empty());
}

/// The attack does find a lone hidden cell, so that the test above means something.
#[test]
fn the_attack_recovers_a_cell_left_alone() {
    let layout = layout(&[vec![vec![10, 3], vec![8, 9]]]);
    let mut hidden = vec![false; layout.problem.cells.len()];
    // Cells: totals 13, 17, 30; first column 10, 8, 18; second column 3, 9, 12.
    let small = 6;
    hidden[small] = true;
    assert_eq!(layout.problem.cells[small].value, 3);
    assert_eq!(subtraction_attack(&layout.problem, &hidden), vec![small]);
    assert_eq!(
        recoverable_cells(&layout.problem, &hidden),
        Some(vec![small])
    );
}
