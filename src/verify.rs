//! `verifier`: read every file given (folders recursively), check it, and count every row.
//!
//! This is the first stage of every command: the report and the cost-sharing use the
//! accepted rows of a [`Verification`].

use crate::check::{check_across_files, CheckedSheet, Checker, SheetOutcome};
use crate::diagnostic::{Code, Diagnostic, Location, Severity};
use crate::network::{parse_network_shown_as, Network};
use crate::read::{read_bounded, read_file_within, SourceFormat};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub use crate::network::NETWORK_FILE;

/// A folder of raw, non-anonymised files kept by a CCAS for `anonymiser`: never read by
/// the other commands (a file given by name is still checked, and its names flagged).
pub const RAW_FOLDER: &str = "brut";

/// A folder of annotated copies written back to the CCAS (`verifier --retours`): never
/// read as received files.
pub const FEEDBACK_FOLDER: &str = "retours";

/// Errors that stop the tool from doing its job at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("le chemin « {0} » n'existe pas")]
    PathNotFound(String),
    #[error("le dossier « {path} » ne peut pas être lu ({cause})")]
    FolderUnreadable { path: String, cause: String },
    #[error("erreur interne : {0}")]
    Internal(String),
}

/// Options of a verification.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// `--reseau FICHIER`: the network file to use instead of looking in the folders.
    pub network_file: Option<PathBuf>,
    /// `--taille-max`: a file larger than this many bytes is refused before it is read.
    pub max_input_bytes: u64,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            network_file: None,
            max_input_bytes: crate::read::DEFAULT_MAX_INPUT_BYTES,
        }
    }
}

/// The counts of one sheet (the JSON keys of `verifier --format json` stay French).
#[derive(Debug, Clone, Serialize)]
pub struct SheetSummary {
    /// `None` for a csv file.
    #[serde(rename = "feuille")]
    pub sheet: Option<String>,
    /// The schema the sheet follows; `None` when the sheet was skipped.
    #[serde(rename = "modele")]
    pub schema: Option<String>,
    #[serde(rename = "lignes_lues")]
    pub rows_read: usize,
    #[serde(rename = "lignes_acceptees")]
    pub rows_accepted: usize,
    #[serde(rename = "lignes_rejetees")]
    pub rows_rejected: usize,
    /// Total rows excluded (not data).
    #[serde(rename = "lignes_de_total")]
    pub total_rows: usize,
    /// Skipped on purpose (no header matched any schema).
    #[serde(rename = "ignoree")]
    pub skipped: bool,
    /// Could not be read (too large, damaged): its diagnostic says why.
    #[serde(rename = "illisible")]
    pub unreadable: bool,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    /// The file as the user named it.
    #[serde(rename = "fichier")]
    pub file: String,
    /// Where the file is on disk (the feedback copies read it again).
    #[serde(skip)]
    pub path: PathBuf,
    pub format: Option<SourceFormat>,
    /// False when the file could not be read at all.
    #[serde(rename = "lu")]
    pub read: bool,
    #[serde(rename = "feuilles")]
    pub sheets: Vec<SheetSummary>,
}

/// Everything a verification found.
#[derive(Debug)]
pub struct Verification {
    pub files: Vec<FileSummary>,
    pub diagnostics: Vec<Diagnostic>,
    /// The sheets that follow a schema, with their typed rows (rejected ones flagged).
    pub sheets: Vec<CheckedSheet>,
    pub network: Network,
    /// Where the network came from (`None`: the built-in default).
    pub network_source: Option<String>,
    /// The text of that `reseau.toml`, as read once for the whole run (commands that
    /// locate their own problems in it by line, like `repartition`, read it here).
    pub network_text: Option<String>,
}

/// The exit code families of the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No error (warnings allowed).
    Clean,
    /// The data has problems.
    DataProblems,
    /// The tool could not do its job.
    ToolFailure,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::DataProblems => 1,
            Outcome::ToolFailure => 2,
        }
    }
}

impl Verification {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == severity)
            .count()
    }

    pub fn rows_read(&self) -> usize {
        self.files
            .iter()
            .flat_map(|file| &file.sheets)
            .map(|sheet| sheet.rows_read)
            .sum()
    }

    pub fn rows_accepted(&self) -> usize {
        self.files
            .iter()
            .flat_map(|file| &file.sheets)
            .map(|sheet| sheet.rows_accepted)
            .sum()
    }

    pub fn rows_rejected(&self) -> usize {
        self.files
            .iter()
            .flat_map(|file| &file.sheets)
            .map(|sheet| sheet.rows_rejected)
            .sum()
    }

    pub fn outcome(&self) -> Outcome {
        if self
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code == Code::E007)
        {
            Outcome::ToolFailure
        } else if self.count(Severity::Error) > 0 {
            Outcome::DataProblems
        } else {
            Outcome::Clean
        }
    }
}

/// One file to read, with the name shown to the user.
#[derive(Debug, Clone)]
struct Candidate {
    path: PathBuf,
    shown: String,
}

fn shown_path(root: &str, relative: &Path) -> String {
    let parts: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    let root = root.trim_end_matches(['/', '\\']);
    if root.is_empty() || root == "." {
        parts.join("/")
    } else {
        format!("{root}/{}", parts.join("/"))
    }
}

fn is_lock_file(name: &str) -> bool {
    name.starts_with("~$") || (name.starts_with(".~lock.") && name.ends_with('#'))
}

/// Folders more than this many levels below a folder given are not read (with a warning):
/// a folder of a CCAS is never that deep, and a bound keeps a strange share finite.
pub const MAX_FOLDER_DEPTH: usize = 16;

/// The identity of a file or folder on its disk, to read each one once whatever the path
/// (a symbolic link, a hard link). `None` where the system does not give one.
fn identity(metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        None
    }
}

/// What the walk does after looking at one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// Go on with the next entry (inside the folder, for a folder).
    Next,
    /// Do not go into this folder.
    SkipFolder,
}

/// One walk of a folder given: the files listed, and what was met to list each once.
struct Walk<'w> {
    root: &'w Path,
    shown_root: &'w str,
    /// Files and folders met, by identity, with the name shown for the first path.
    seen: std::collections::HashMap<(u64, u64), String>,
    /// Files listed through a symbolic link, by identity, with their place in `found`.
    linked_files: std::collections::HashMap<(u64, u64), usize>,
    found: &'w mut Vec<Candidate>,
    diagnostics: &'w mut Vec<Diagnostic>,
}

/// Lists the regular files of a folder, recursively, in a stable order (by name, a folder's
/// content right after it). Symbolic links are followed to a regular file or to a folder
/// not yet visited (`walkdir` detects a link back to a folder being walked; the identity of
/// the others is remembered), so a link to the folder itself or a parent cannot make the
/// walk endless; named pipes, sockets and devices are never opened.
fn walk(
    root: &Path,
    shown_root: &str,
    found: &mut Vec<Candidate>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), ToolError> {
    let mut walk = Walk {
        root,
        shown_root,
        seen: std::collections::HashMap::new(),
        linked_files: std::collections::HashMap::new(),
        found,
        diagnostics,
    };
    if let Some(root_identity) = std::fs::metadata(root).ok().as_ref().and_then(identity) {
        walk.seen.insert(root_identity, shown_root.to_string());
    }
    let mut entries = walkdir::WalkDir::new(root)
        .follow_links(true)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let visit = match entry {
            Ok(entry) => walk.visit(&entry),
            Err(error) => walk.unreadable_entry(&error)?,
        };
        if visit == Visit::SkipFolder {
            entries.skip_current_dir();
        }
    }
    Ok(())
}

impl Walk<'_> {
    /// The path as shown to the user: under the folder as it was given.
    fn shown(&self, path: &Path) -> String {
        match path.strip_prefix(self.root) {
            Ok(relative) if relative.as_os_str().is_empty() => self.shown_root.to_string(),
            Ok(relative) => shown_path(self.shown_root, relative),
            Err(_) => path.display().to_string(),
        }
    }

    /// An entry the walk could not read: a link back to a folder containing it is noted
    /// and skipped, a broken link is listed (reading it says where it points), anything
    /// else stops the verification.
    fn unreadable_entry(&mut self, error: &walkdir::Error) -> Result<Visit, ToolError> {
        let path = error
            .path()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.to_path_buf());
        if let Some(ancestor) = error.loop_ancestor() {
            self.diagnostics.push(
                Diagnostic::new(Code::N006, Location::file(self.shown(&path)), format!("lien symbolique ignoré : il mène au dossier « {} », qui le contient (une boucle)", self.shown(ancestor)))
                    .hint("le contenu de ce dossier est déjà lu ; supprimez le lien si vous ne l'avez pas créé exprès"),
            );
            return Ok(Visit::Next);
        }
        let is_link = std::fs::symlink_metadata(&path)
            .map(|metadata| metadata.file_type().is_symlink())
            .unwrap_or(false);
        if is_link && error.depth() > 0 {
            // A broken link: read_file says where it points.
            self.found.push(Candidate {
                shown: self.shown(&path),
                path,
            });
            return Ok(Visit::Next);
        }
        Err(ToolError::FolderUnreadable {
            path: self.shown(&path),
            cause: error
                .io_error()
                .map(crate::output::io_error_in_french)
                .unwrap_or_else(|| "erreur de lecture".to_string()),
        })
    }

    /// Looks at one entry, in this order: its name, its identity (met already?), then
    /// for a folder its depth, for a file its kind and extension.
    fn visit(&mut self, entry: &walkdir::DirEntry) -> Visit {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path().to_path_buf();
        let is_folder = entry.file_type().is_dir();
        if let Some(visit) = self.skipped_by_name(&name, &path, is_folder) {
            return visit;
        }
        let metadata = entry.metadata().ok();
        let key = metadata.as_ref().and_then(identity);
        if let Some(key) = key {
            if self.met_again(key, entry, &path, is_folder) {
                return if is_folder {
                    Visit::SkipFolder
                } else {
                    Visit::Next
                };
            }
        }
        if is_folder {
            return self.folder_depth(entry, &path);
        }
        if let Some(kind) = metadata.as_ref().and_then(crate::read::special_kind) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::N004,
                    Location::file(self.shown(&path)),
                    format!("ignoré : ce n'est pas un fichier ordinaire, c'est {kind}"),
                )
                .hint("seuls les fichiers de tableur (xlsx, xlsm, xls, ods, csv, txt) sont lus"),
            );
            return Visit::Next;
        }
        if entry.depth() == 1 && name == NETWORK_FILE {
            return Visit::Next;
        }
        self.list_file(entry, &name, path, key);
        Visit::Next
    }

    /// Entries left out by their name: lock files of an open workbook, hidden entries, and
    /// the folders of raw files and of feedback copies.
    fn skipped_by_name(&mut self, name: &str, path: &Path, is_folder: bool) -> Option<Visit> {
        if is_lock_file(name) {
            self.diagnostics.push(
                Diagnostic::new(Code::N004, Location::file(self.shown(path)), "fichier de verrouillage ignoré : le classeur correspondant est sans doute ouvert dans un tableur")
                    .hint("fermez le classeur avant de lancer la vérification"),
            );
            return Some(Visit::Next);
        }
        if name.starts_with('.') {
            return Some(if is_folder {
                Visit::SkipFolder
            } else {
                Visit::Next
            });
        }
        if is_folder && name.eq_ignore_ascii_case(RAW_FOLDER) {
            self.diagnostics.push(
                Diagnostic::new(Code::N004, Location::file(self.shown(path)), "dossier « brut » ignoré : il contient des fichiers non anonymisés, qui ne quittent pas le CCAS")
                    .hint("n'envoyez que les fichiers produits par « observatoire anonymiser »"),
            );
            return Some(Visit::SkipFolder);
        }
        if is_folder && name.eq_ignore_ascii_case(FEEDBACK_FOLDER) {
            self.diagnostics.push(
                Diagnostic::new(Code::N004, Location::file(self.shown(path)), "dossier « retours » ignoré : il contient les copies annotées renvoyées aux CCAS, pas des fichiers reçus")
                    .hint("placez les fichiers corrigés reçus des CCAS hors de ce dossier"),
            );
            return Some(Visit::SkipFolder);
        }
        None
    }

    /// Whether the file or folder of identity `key` was met already by another path (it
    /// is then noted as ignored); else remembers it. A file met first through a symbolic
    /// link gives way to the file itself.
    fn met_again(
        &mut self,
        key: (u64, u64),
        entry: &walkdir::DirEntry,
        path: &Path,
        is_folder: bool,
    ) -> bool {
        let Some(first) = self.seen.get(&key) else {
            self.seen.insert(key, self.shown(path));
            return false;
        };
        let shown = self.shown(path);
        let (kept, dropped) = match self.linked_files.get(&key) {
            // The file itself is kept rather than a link to it met first.
            Some(position) if !is_folder && !entry.path_is_symlink() => {
                let link = std::mem::replace(
                    &mut self.found[*position],
                    Candidate {
                        shown: shown.clone(),
                        path: path.to_path_buf(),
                    },
                );
                self.linked_files.remove(&key);
                self.seen.insert(key, shown.clone());
                (shown, link.shown)
            }
            _ => (first.clone(), shown),
        };
        self.diagnostics.push(
            Diagnostic::new(Code::N006, Location::file(&dropped), format!("{} ignoré : c'est « {kept} », déjà lu par un autre chemin (lien symbolique ou lien physique)", if is_folder { "dossier" } else { "fichier" }))
                .hint("chaque fichier n'est compté qu'une fois ; supprimez le lien si vous ne l'avez pas créé exprès"),
        );
        true
    }

    /// A folder too deep below the folder given is not read (W006).
    fn folder_depth(&mut self, entry: &walkdir::DirEntry, path: &Path) -> Visit {
        if entry.depth() <= MAX_FOLDER_DEPTH {
            return Visit::Next;
        }
        self.diagnostics.push(
            Diagnostic::new(Code::W006, Location::file(self.shown(path)), format!("dossier non lu : il est à plus de {MAX_FOLDER_DEPTH} niveaux de sous-dossiers sous « {} »", self.shown_root))
                .hint("rangez les fichiers des CCAS moins profondément (un sous-dossier par commune suffit)"),
        );
        Visit::SkipFolder
    }

    /// Lists a file of a spreadsheet format (remembering it when met through a symbolic
    /// link); notes any other file as ignored.
    fn list_file(
        &mut self,
        entry: &walkdir::DirEntry,
        name: &str,
        path: PathBuf,
        key: Option<(u64, u64)>,
    ) {
        let extension = Path::new(name)
            .extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default();
        if SourceFormat::from_extension(extension).is_some() {
            if let (Some(key), true) = (key, entry.path_is_symlink()) {
                self.linked_files.insert(key, self.found.len());
            }
            self.found.push(Candidate {
                shown: self.shown(&path),
                path,
            });
        } else {
            self.diagnostics.push(Diagnostic::new(
                Code::N004,
                Location::file(self.shown(&path)),
                "fichier ignoré : ce n'est pas un tableur (xlsx, xlsm, xls, ods ou csv)",
            ));
        }
    }
}

fn load_network(
    path: &Path,
    shown: &str,
    limit: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Network, String)> {
    let text = match read_bounded(path, limit) {
        Ok(bytes) => crate::read::decode_text(&bytes),
        Err(problem) => {
            diagnostics.push(crate::read::bytes_problem(Location::file(shown), problem));
            return None;
        }
    };
    match parse_network_shown_as(&text, shown) {
        Ok(network) => Some((network, text)),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    }
}

/// Reads and checks every file under `paths`.
pub fn verify(paths: &[PathBuf], options: &VerifyOptions) -> Result<Verification, ToolError> {
    let schemas =
        crate::schema::schemas().map_err(|error| ToolError::Internal(error.to_string()))?;
    let mut diagnostics = Vec::new();
    let mut network_file: Option<(PathBuf, String)> = options
        .network_file
        .as_ref()
        .map(|path| (path.clone(), path.to_string_lossy().into_owned()));
    if let Some((path, shown)) = &network_file {
        if !path.is_file() {
            return Err(ToolError::PathNotFound(shown.clone()));
        }
    }
    let candidates = list_candidates(paths, &mut network_file, &mut diagnostics)?;
    let (network, network_source, network_text) = choose_network(
        network_file.as_ref(),
        paths,
        options.max_input_bytes,
        &mut diagnostics,
    );
    let checker = Checker::new(schemas, &network);
    let mut files = Vec::new();
    let mut sheets = Vec::new();
    for candidate in &candidates {
        files.push(check_file(
            &checker,
            candidate,
            options.max_input_bytes,
            &mut sheets,
            &mut diagnostics,
        ));
    }
    check_across_files(&mut sheets, &mut diagnostics);
    add_sheet_summaries(&sheets, &mut files);
    Ok(Verification {
        files,
        diagnostics,
        sheets,
        network,
        network_source,
        network_text,
    })
}

/// The files to read under `paths`, in their order (folders walked); the first folder
/// holding a `reseau.toml` gives the network, unless one was given already.
fn list_candidates(
    paths: &[PathBuf],
    network_file: &mut Option<(PathBuf, String)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Candidate>, ToolError> {
    let mut candidates = Vec::new();
    for path in paths {
        let shown = path.to_string_lossy().into_owned();
        if path.is_dir() {
            if network_file.is_none() && path.join(NETWORK_FILE).is_file() {
                *network_file = Some((
                    path.join(NETWORK_FILE),
                    shown_path(&shown, Path::new(NETWORK_FILE)),
                ));
            }
            walk(path, &shown, &mut candidates, diagnostics)?;
        } else if path.exists() || std::fs::symlink_metadata(path).is_ok() {
            candidates.push(Candidate {
                path: path.clone(),
                shown,
            });
        } else {
            return Err(ToolError::PathNotFound(shown));
        }
    }
    Ok(candidates)
}

/// The network to check with, where it came from and its text: the file found or given,
/// or the built-in default (with a note) when there is none or it is invalid.
fn choose_network(
    network_file: Option<&(PathBuf, String)>,
    paths: &[PathBuf],
    limit: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Network, Option<String>, Option<String>) {
    match network_file {
        Some((path, shown)) => match load_network(path, shown, limit, diagnostics) {
            Some((network, text)) => (network, Some(shown.clone()), Some(text)),
            None => {
                diagnostics.push(
                    Diagnostic::new(Code::N003, Location::file(shown), "reseau.toml est invalide : les autres fichiers sont vérifiés avec le réseau par défaut (les six communes de la convention)")
                        .hint("corrigez reseau.toml (voir les erreurs E040), puis relancez la vérification"),
                );
                (Network::default_network(), None, None)
            }
        },
        None => {
            diagnostics.push(
                Diagnostic::new(Code::N003, Location::file(paths.first().map(|path| path.to_string_lossy().into_owned()).unwrap_or_default()), "pas de fichier reseau.toml : le réseau par défaut (les six communes de la convention) est utilisé")
                    .hint("placez reseau.toml à la racine du dossier, ou indiquez-le avec --reseau FICHIER"),
            );
            (Network::default_network(), None, None)
        }
    }
}

impl SheetSummary {
    /// A sheet with no rows counted: skipped (`ignoree`) or unreadable (`illisible`).
    fn without_rows(feuille: Option<String>, ignoree: bool, illisible: bool) -> Self {
        SheetSummary {
            sheet: feuille,
            schema: None,
            rows_read: 0,
            rows_accepted: 0,
            rows_rejected: 0,
            total_rows: 0,
            skipped: ignoree,
            unreadable: illisible,
        }
    }
}

/// Reads and checks one file: its sheets that follow a schema go to `sheets`, the others
/// are in its summary (the sheets checked are added to it after the checks across files).
fn check_file(
    checker: &Checker<'_>,
    candidate: &Candidate,
    limit: u64,
    sheets: &mut Vec<CheckedSheet>,
    diagnostics: &mut Vec<Diagnostic>,
) -> FileSummary {
    let mut summary = FileSummary {
        file: candidate.shown.clone(),
        path: candidate.path.clone(),
        format: None,
        read: false,
        sheets: Vec::new(),
    };
    let workbook = match read_file_within(&candidate.path, &candidate.shown, limit) {
        Ok(workbook) => workbook,
        Err(problem) => {
            diagnostics.push(problem);
            return summary;
        }
    };
    summary.format = Some(workbook.format);
    summary.read = true;
    for problem in &workbook.problems {
        if let Some(sheet) = &problem.location.sheet {
            summary
                .sheets
                .push(SheetSummary::without_rows(Some(sheet.clone()), false, true));
        }
    }
    diagnostics.extend(workbook.problems.iter().cloned());
    for sheet in &workbook.sheets {
        match checker.check_sheet(&candidate.shown, sheet, diagnostics) {
            SheetOutcome::Checked(checked) => sheets.push(*checked),
            SheetOutcome::Skipped => {
                summary
                    .sheets
                    .push(SheetSummary::without_rows(sheet.name.clone(), true, false))
            }
        }
    }
    let data_sheets = sheets
        .iter()
        .filter(|sheet| sheet.file == candidate.shown)
        .count();
    if data_sheets == 0 && workbook.problems.is_empty() {
        diagnostics.push(
            Diagnostic::new(Code::W005, Location::file(&candidate.shown), "aucune donnée n'a été lue dans ce fichier : aucune feuille ne suit un modèle")
                .hint("vérifiez qu'il s'agit du bon fichier, et que ses en-têtes sont ceux du modèle (observatoire modeles)"),
        );
    }
    summary
}

/// Adds the counts of each sheet checked to the summary of its file.
fn add_sheet_summaries(sheets: &[CheckedSheet], files: &mut [FileSummary]) {
    for sheet in sheets {
        if let Some(file) = files.iter_mut().find(|file| file.file == sheet.file) {
            let read = sheet.rows_read();
            let accepted = sheet.rows_accepted();
            file.sheets.push(SheetSummary {
                sheet: sheet.sheet.clone(),
                schema: Some(sheet.schema.name.clone()),
                rows_read: read,
                rows_accepted: accepted,
                rows_rejected: read - accepted,
                total_rows: sheet.total_rows,
                skipped: false,
                unreadable: false,
            });
        }
    }
}
