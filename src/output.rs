//! Writing outputs whole or not at all, and what the system says about files, in French.
//!
//! A command that writes several files (the report, the cost-sharing statement and its
//! letters, the templates, the example data) writes them as one *set* with [`write_set`]:
//!
//! 1. a lock beside the output folder (`.<name>.verrou`) refuses a second run on the same
//!    folder while one is writing; the system releases it if the process dies;
//! 2. a leftover of an interrupted run is dealt with (the recovery rule below);
//! 3. the new set is written into a hidden staging folder beside the target
//!    (`.<name>.nouveau`), each file synced to the disk, with modes 0644 (files) and 0755
//!    (folders): outputs are meant to be shared;
//! 4. entries of the old folder that the command does not own (the `repartition/` folder
//!    that lives inside the example report, a note of the user's) are carried over into
//!    the staging folder by hard links (a copy where links are impossible);
//! 5. the staging folder and the target are swapped: on Linux in one atomic exchange
//!    (`renameat2(RENAME_EXCHANGE)`), so the target is at every instant the whole old set or
//!    the whole new set; elsewhere the old folder is first moved aside (`.<name>.ancien`),
//!    then the new one renamed in;
//! 6. the old set is removed. Files of the old set that the new one lacks (the letter of a
//!    CCAS no longer called) are therefore gone.
//!
//! **Recovery rule**, applied under the lock before writing: a leftover staging folder is
//! an unfinished set (or, after an exchange, the old one): it is removed. A leftover
//! `.ancien` folder is the old set: if the target exists the swap was complete and it is
//! removed; if the target is missing the crash came between the two renames and it is put
//! back. So after a crash the next run starts from the old set or the new one, never a mix.
//!
//! This module is a base module: it uses nothing else from the crate.

use std::io::{Error, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Mode of the files of an output set (unix): readable by everyone, as a report is shared.
pub const FILE_MODE: u32 = 0o644;
/// Mode of the folders of an output set (unix).
pub const FOLDER_MODE: u32 = 0o755;

/// The French words for an input/output error: the common kinds are translated, the others
/// get a French sentence with the system's own name of the kind (for a technician).
///
/// `std::io::Error` displays in English with a raw number (« File exists (os error 17) »):
/// every message that carries one to a user goes through here, so that a sentence of the
/// tool never switches language halfway.
pub fn io_error_in_french(error: &Error) -> String {
    let words = match error.kind() {
        ErrorKind::NotFound => "fichier ou dossier introuvable",
        ErrorKind::PermissionDenied => {
            "accès refusé : vous n'avez pas le droit de le lire ou de l'écrire"
        }
        ErrorKind::AlreadyExists => "un fichier ou un dossier de ce nom existe déjà",
        ErrorKind::StorageFull => "le disque est plein",
        ErrorKind::ReadOnlyFilesystem => "le disque ou le dossier est en lecture seule",
        ErrorKind::IsADirectory => "c'est un dossier, pas un fichier",
        ErrorKind::NotADirectory => "un élément du chemin n'est pas un dossier",
        ErrorKind::DirectoryNotEmpty => "le dossier n'est pas vide",
        ErrorKind::FileTooLarge => "le fichier est trop gros pour ce disque",
        ErrorKind::ResourceBusy | ErrorKind::WouldBlock => {
            "le fichier est occupé par un autre programme"
        }
        ErrorKind::CrossesDevices => "déplacement impossible d'un disque à un autre",
        ErrorKind::InvalidFilename => "nom de fichier trop long ou invalide",
        ErrorKind::TooManyLinks => "trop de liens à suivre",
        ErrorKind::UnexpectedEof => "le fichier s'arrête avant la fin attendue",
        ErrorKind::Interrupted => "l'opération a été interrompue",
        ErrorKind::TimedOut => "le délai d'attente est dépassé (disque réseau ?)",
        ErrorKind::OutOfMemory => "la mémoire de l'ordinateur ne suffit pas",
        kind => {
            #[cfg(unix)]
            if error.raw_os_error() == Some(40) {
                // ELOOP, whose kind is not stable yet.
                return "les liens symboliques forment une boucle".to_string();
            }
            return format!("erreur du système de fichiers ({kind:?})");
        }
    };
    words.to_string()
}

/// Why an output set could not be written. Nothing was changed in the target then.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("le dossier « {0} » est en cours d'écriture par une autre exécution de l'outil : attendez qu'elle se termine, puis relancez")]
    Busy(String),
    #[error("« {0} » existe et n'est pas un dossier : choisissez un autre dossier de sortie")]
    NotAFolder(String),
    #[error("« {path} » ne peut pas être écrit ({})", io_error_in_french(.cause))]
    Io { path: String, cause: Error },
}

fn failure(path: &Path) -> impl FnOnce(Error) -> OutputError + '_ {
    move |cause| OutputError::Io {
        path: path.display().to_string(),
        cause,
    }
}

/// One file of a set: its path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// What a command owns in its output folder: the top-level names of the new set, and
/// patterns with at most one `*` (`appel-*.html`) for the names an earlier run may have
/// written. Other entries of the folder are the user's and are kept.
fn owned(name: &str, files: &[OutputFile], patterns: &[&str]) -> bool {
    let in_new_set = files.iter().any(|file| {
        file.path
            .components()
            .next()
            .is_some_and(|first| first.as_os_str() == name)
    });
    in_new_set
        || patterns
            .iter()
            .any(|pattern| match pattern.split_once('*') {
                Some((prefix, suffix)) => {
                    name.len() >= prefix.len() + suffix.len()
                        && name.starts_with(prefix)
                        && name.ends_with(suffix)
                }
                None => name == *pattern,
            })
}

/// The paths beside the target that a set uses.
struct Beside {
    target: PathBuf,
    lock: PathBuf,
    staging: PathBuf,
    aside: PathBuf,
    parent: PathBuf,
}

impl Beside {
    fn of(target: &Path) -> Result<Beside, OutputError> {
        let absolute = if target.is_absolute() {
            target.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(failure(target))?
                .join(target)
        };
        // `--sortie .` or `--sortie ..` name a folder through its parent's entry.
        let absolute = match absolute.file_name() {
            Some(_) if !absolute.ends_with(".") => absolute,
            _ => absolute.canonicalize().map_err(failure(target))?,
        };
        let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
            return Err(OutputError::NotAFolder(target.display().to_string()));
        };
        let name = name.to_string_lossy();
        Ok(Beside {
            target: absolute.clone(),
            lock: parent.join(format!(".{name}.verrou")),
            staging: parent.join(format!(".{name}.nouveau")),
            aside: parent.join(format!(".{name}.ancien")),
            parent: parent.to_path_buf(),
        })
    }
}

/// An exclusive lock on a file beside the target, released (and the file removed) when
/// dropped, and by the system if the process dies.
struct Lock {
    file: std::fs::File,
    path: PathBuf,
}

impl Lock {
    fn take(path: &Path, shown: &str) -> Result<Lock, OutputError> {
        loop {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)
                .map_err(failure(path))?;
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => {
                    return Err(OutputError::Busy(shown.to_string()))
                }
                Err(fs4::TryLockError::Error(cause)) => return Err(failure(path)(cause)),
            }
            // The run before may have removed the file between our open and our lock:
            // the lock only counts if the path still names the file locked.
            if same_file(&file, path) {
                return Ok(Lock {
                    file,
                    path: path.to_path_buf(),
                });
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so that a waiting run opens a new file, never this one.
        let _ = std::fs::remove_file(&self.path);
        let _ = fs4::FileExt::unlock(&self.file);
    }
}

#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

fn set_mode(path: &Path, mode: u32) -> Result<(), OutputError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(failure(path))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Syncs a folder's entries to the disk (a rename is durable only then). Not possible on
/// every system: a refusal is not an error.
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(path) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn create_folder(path: &Path) -> Result<(), OutputError> {
    match std::fs::create_dir(path) {
        Ok(()) => {}
        Err(error) if error.kind() == ErrorKind::AlreadyExists && path.is_dir() => return Ok(()),
        Err(error) => return Err(failure(path)(error)),
    }
    set_mode(path, FOLDER_MODE)
}

/// Creates the folders of `path` below `root`, with the folder mode.
fn create_parents(root: &Path, path: &Path) -> Result<(), OutputError> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    let mut current = root.to_path_buf();
    for part in parent.components() {
        current.push(part);
        create_folder(&current)?;
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut file = std::fs::File::create(path).map_err(failure(path))?;
    file.write_all(bytes).map_err(failure(path))?;
    file.sync_all().map_err(failure(path))?;
    set_mode(path, FILE_MODE)
}

fn remove_all(path: &Path) -> Result<(), OutputError> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
        Err(error) => Err(failure(path)(error)),
    }
}

/// Puts what an interrupted run left beside the target in order (see the module doc).
fn recover(beside: &Beside) -> Result<(), OutputError> {
    if std::fs::symlink_metadata(&beside.aside).is_ok() {
        if std::fs::symlink_metadata(&beside.target).is_ok() {
            remove_all(&beside.aside)?;
        } else {
            std::fs::rename(&beside.aside, &beside.target).map_err(failure(&beside.target))?;
            sync_folder(&beside.parent);
        }
    }
    remove_all(&beside.staging)
}

/// Carries an entry of the old folder that the command does not own into the staging
/// folder: files by hard link (a copy where the system refuses), folders entry by entry,
/// links as links. Other kinds of entries (pipes, devices) are not carried.
fn carry_over(from: &Path, to: &Path) -> Result<(), OutputError> {
    let metadata = std::fs::symlink_metadata(from).map_err(failure(from))?;
    let kind = metadata.file_type();
    if kind.is_dir() {
        std::fs::create_dir(to).map_err(failure(to))?;
        std::fs::set_permissions(to, metadata.permissions()).map_err(failure(to))?;
        let mut names: Vec<_> = std::fs::read_dir(from)
            .map_err(failure(from))?
            .map(|entry| entry.map(|entry| entry.file_name()))
            .collect::<Result<_, _>>()
            .map_err(failure(from))?;
        names.sort();
        for name in names {
            carry_over(&from.join(&name), &to.join(&name))?;
        }
        return Ok(());
    }
    if kind.is_symlink() {
        #[cfg(unix)]
        {
            let target = std::fs::read_link(from).map_err(failure(from))?;
            std::os::unix::fs::symlink(target, to).map_err(failure(to))?;
        }
        return Ok(());
    }
    if kind.is_file() && std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).map_err(failure(to))?;
    }
    Ok(())
}

/// Swaps the complete staging folder with the existing target, atomically where the
/// system allows it. Afterwards the old set is at `beside.staging` or `beside.aside`.
fn swap(beside: &Beside) -> Result<(), OutputError> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let exchanged = rustix::fs::renameat_with(
            rustix::fs::CWD,
            &beside.staging,
            rustix::fs::CWD,
            &beside.target,
            rustix::fs::RenameFlags::EXCHANGE,
        );
        if exchanged.is_ok() {
            return Ok(());
        }
        // Some file systems (network shares) refuse the exchange: two renames then.
    }
    std::fs::rename(&beside.target, &beside.aside).map_err(failure(&beside.target))?;
    sync_folder(&beside.parent);
    if let Err(error) = std::fs::rename(&beside.staging, &beside.target) {
        // Put the old set back at once rather than wait for the next run's recovery.
        let _ = std::fs::rename(&beside.aside, &beside.target);
        return Err(failure(&beside.target)(error));
    }
    Ok(())
}

/// An output folder held by this run: the lock is taken and a crash's leftovers are dealt
/// with when it is made, and released when it is dropped. A command that works for a while
/// before it writes (the report) takes it first, so that a second run on the same folder is
/// refused at once rather than after its work.
pub struct OutputFolder {
    beside: Beside,
    shown: String,
    _lock: Lock,
}

impl OutputFolder {
    /// Takes the lock of `folder` (its parent folders are created), then applies the
    /// recovery rule. Refused with [`OutputError::Busy`] while another run holds it.
    pub fn lock(folder: &Path) -> Result<OutputFolder, OutputError> {
        let shown = folder.display().to_string();
        let beside = Beside::of(folder)?;
        std::fs::create_dir_all(&beside.parent).map_err(failure(&beside.parent))?;
        let lock = Lock::take(&beside.lock, &shown)?;
        recover(&beside)?;
        Ok(OutputFolder {
            beside,
            shown,
            _lock: lock,
        })
    }

    /// Writes `files` as the one set of the folder: after this returns `Ok`, the folder
    /// holds exactly the new files plus the entries the command does not own (see
    /// [`owned`]); if it fails or the process is killed at any moment, the folder still
    /// holds the whole old set. `also_owned` names (with at most one `*`) what earlier runs
    /// of the command may have written there and this one may not (`appel-*.html`).
    pub fn write_set(&self, files: &[OutputFile], also_owned: &[&str]) -> Result<(), OutputError> {
        let beside = &self.beside;
        let existing = match std::fs::symlink_metadata(&beside.target) {
            Ok(metadata) if metadata.is_dir() => true,
            Ok(_) => return Err(OutputError::NotAFolder(self.shown.clone())),
            Err(error) if error.kind() == ErrorKind::NotFound => false,
            Err(error) => return Err(failure(&beside.target)(error)),
        };
        remove_all(&beside.staging)?;
        let built = build_staging(beside, files, also_owned, existing);
        if let Err(error) = built {
            let _ = remove_all(&beside.staging);
            return Err(error);
        }
        if existing {
            swap(beside)?;
        } else {
            std::fs::rename(&beside.staging, &beside.target).map_err(failure(&beside.target))?;
        }
        sync_folder(&beside.parent);
        remove_all(&beside.staging)?;
        remove_all(&beside.aside)?;
        Ok(())
    }
}

/// Takes the lock of `folder` and writes `files` as its one set: see
/// [`OutputFolder::write_set`].
pub fn write_set(
    folder: &Path,
    files: &[OutputFile],
    also_owned: &[&str],
) -> Result<(), OutputError> {
    OutputFolder::lock(folder)?.write_set(files, also_owned)
}

fn build_staging(
    beside: &Beside,
    files: &[OutputFile],
    also_owned: &[&str],
    existing: bool,
) -> Result<(), OutputError> {
    create_folder(&beside.staging)?;
    for file in files {
        create_parents(&beside.staging, &file.path)?;
        write_synced(&beside.staging.join(&file.path), &file.bytes)?;
    }
    if existing {
        let mut kept: Vec<_> = std::fs::read_dir(&beside.target)
            .map_err(failure(&beside.target))?
            .map(|entry| entry.map(|entry| entry.file_name()))
            .collect::<Result<_, _>>()
            .map_err(failure(&beside.target))?;
        kept.sort();
        for name in kept {
            if !owned(&name.to_string_lossy(), files, also_owned) {
                carry_over(&beside.target.join(&name), &beside.staging.join(&name))?;
            }
        }
    }
    let mut folders = vec![beside.staging.clone()];
    for file in files {
        let mut current = beside.staging.clone();
        if let Some(parent) = file.path.parent() {
            for part in parent.components() {
                current.push(part);
                if !folders.contains(&current) {
                    folders.push(current.clone());
                }
            }
        }
    }
    for folder in folders.iter().rev() {
        sync_folder(folder);
    }
    Ok(())
}

/// The creation date of the xlsx files the tool writes when no date is given: a fixed day,
/// never the clock, so that the same inputs give the same bytes.
pub const XLSX_CREATED: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2024, 1, 1) {
    Some(date) => date,
    None => panic!("1 January 2024 is a date"),
};

/// The document properties of every xlsx file the tool writes: a title and a comment when
/// there are, and a creation date that is never the clock (the same inputs give the same
/// bytes; [`XLSX_CREATED`] when the caller has no date of its own).
pub fn xlsx_properties(
    title: Option<&str>,
    comment: Option<&str>,
    created: chrono::NaiveDate,
) -> Result<rust_xlsxwriter::DocProperties, rust_xlsxwriter::XlsxError> {
    use chrono::Datelike;
    // The dates given are fixed days or a report's checked date; rust_xlsxwriter refuses a
    // year outside 1900–9999 with an error, which the caller reports.
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(
        u16::try_from(created.year()).unwrap_or(2000),
        u8::try_from(created.month()).unwrap_or(1),
        u8::try_from(created.day()).unwrap_or(1),
    )?;
    let mut properties = rust_xlsxwriter::DocProperties::new().set_creation_datetime(&date);
    if let Some(title) = title {
        properties = properties.set_title(title);
    }
    if let Some(comment) = comment {
        properties = properties.set_comment(comment);
    }
    Ok(properties)
}

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, synced, then
/// renamed over the destination), creating the parent folders. A new file gets the mode
/// 0644; a file replaced keeps its mode.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)?;
    let permissions = std::fs::metadata(path)
        .ok()
        .map(|metadata| metadata.permissions());
    let mut temporary = tempfile::NamedTempFile::new_in(parent)?;
    temporary.write_all(bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = permissions.unwrap_or_else(|| std::fs::Permissions::from_mode(FILE_MODE));
        temporary.as_file().set_permissions(permissions)?;
    }
    #[cfg(not(unix))]
    let _ = permissions;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// An OpenDocument package (ODS, ODP) in memory: the `mimetype` entry first and
/// uncompressed, as the standard requires, then `files` (manifest included) deflated, all
/// with one fixed date so that the same document gives the same bytes.
pub fn opendocument_package(mimetype: &str, files: &[(&str, &[u8])]) -> Result<Vec<u8>, String> {
    use std::io::Write as _;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let fixed_time = zip::DateTime::from_date_and_time(2024, 1, 1, 0, 0, 0)
        .map_err(|error| error.to_string())?;
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(fixed_time);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(fixed_time);
    zip.start_file("mimetype", stored)
        .map_err(|error| error.to_string())?;
    zip.write_all(mimetype.as_bytes())
        .map_err(|error| error.to_string())?;
    for (name, bytes) in files {
        zip.start_file(*name, deflated)
            .map_err(|error| error.to_string())?;
        zip.write_all(bytes).map_err(|error| error.to_string())?;
    }
    let cursor = zip.finish().map_err(|error| error.to_string())?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: PathBuf::from(path),
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// Every file under `folder`, with its bytes, in order.
    fn contents(folder: &Path) -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut stack = vec![folder.to_path_buf()];
        while let Some(current) = stack.pop() {
            for entry in std::fs::read_dir(&current).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let relative = path.strip_prefix(folder).unwrap().display().to_string();
                    found.push((relative, std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn common_kinds_are_french_and_carry_no_os_number() {
        let error = Error::from_raw_os_error(17);
        assert_eq!(error.kind(), ErrorKind::AlreadyExists);
        assert_eq!(
            io_error_in_french(&error),
            "un fichier ou un dossier de ce nom existe déjà"
        );
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::PermissionDenied,
            ErrorKind::StorageFull,
            ErrorKind::ReadOnlyFilesystem,
        ] {
            let words = io_error_in_french(&Error::from(kind));
            assert!(!words.contains("os error"), "{words}");
            assert!(!words.contains(&format!("{kind:?}")), "{words}");
        }
    }

    #[test]
    fn other_kinds_get_a_french_sentence_and_the_raw_kind() {
        assert_eq!(
            io_error_in_french(&Error::from(ErrorKind::Unsupported)),
            "erreur du système de fichiers (Unsupported)"
        );
    }

    #[test]
    fn a_new_set_replaces_the_old_one_and_keeps_what_is_not_owned() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("sortie");
        let first = [
            file("repartition.html", "ancien état"),
            file("appel-44023-bouvron.html", "appel Bouvron"),
            file("appel-44111-notre-dame-des-landes.html", "appel NDDL"),
        ];
        write_set(&target, &first, &["appel-*.html"]).unwrap();
        std::fs::write(target.join("notes.txt"), "note de la coordinatrice").unwrap();
        std::fs::create_dir(target.join("archives")).unwrap();
        std::fs::write(target.join("archives/2023.txt"), "archive").unwrap();
        let second = [
            file("repartition.html", "nouvel état"),
            file("appel-44023-bouvron.html", "appel Bouvron 2"),
        ];
        write_set(&target, &second, &["appel-*.html"]).unwrap();
        assert_eq!(
            contents(&target),
            [
                ("appel-44023-bouvron.html", "appel Bouvron 2"),
                ("archives/2023.txt", "archive"),
                ("notes.txt", "note de la coordinatrice"),
                ("repartition.html", "nouvel état"),
            ]
            .map(|(path, text)| (path.to_string(), text.to_string()))
        );
        let left: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, ["sortie"], "no staging, aside or lock left beside");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_0644_and_folders_0755() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("rapport");
        write_set(&target, &[file("graphiques/a.svg", "<svg/>")], &[]).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&target), 0o755);
        assert_eq!(mode(&target.join("graphiques")), 0o755);
        assert_eq!(mode(&target.join("graphiques/a.svg")), 0o644);
    }

    #[test]
    fn a_second_run_on_the_same_folder_is_refused_while_the_first_holds_the_lock() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("rapport");
        let beside = Beside::of(&target).unwrap();
        let held = Lock::take(&beside.lock, "rapport").unwrap();
        let refused = write_set(&target, &[file("rapport.html", "x")], &[]).unwrap_err();
        assert!(matches!(refused, OutputError::Busy(_)));
        assert!(refused
            .to_string()
            .contains("en cours d'écriture par une autre exécution"));
        assert!(!target.exists(), "nothing written while refused");
        drop(held);
        write_set(&target, &[file("rapport.html", "x")], &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("rapport.html")).unwrap(),
            "x"
        );
    }

    #[test]
    fn leftovers_of_a_crash_are_recovered_to_the_old_set_or_cleaned() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("rapport");
        write_set(&target, &[file("rapport.html", "ancien")], &[]).unwrap();
        let beside = Beside::of(&target).unwrap();
        // A crash between the two renames of the fallback: the old set is aside, the
        // target is missing, a complete staging folder waits.
        std::fs::rename(&beside.target, &beside.aside).unwrap();
        std::fs::create_dir(&beside.staging).unwrap();
        std::fs::write(beside.staging.join("rapport.html"), "à moitié").unwrap();
        recover(&beside).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("rapport.html")).unwrap(),
            "ancien"
        );
        assert!(!beside.aside.exists() && !beside.staging.exists());
        // A crash after the swap, before the old set was removed.
        std::fs::create_dir(&beside.aside).unwrap();
        std::fs::write(beside.aside.join("rapport.html"), "plus ancien").unwrap();
        write_set(&target, &[file("rapport.html", "nouveau")], &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("rapport.html")).unwrap(),
            "nouveau"
        );
        assert!(!beside.aside.exists());
    }

    #[test]
    fn a_file_in_place_of_the_folder_is_refused_and_kept() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("rapport");
        std::fs::write(&target, "pas un dossier").unwrap();
        let refused = write_set(&target, &[file("rapport.html", "x")], &[]).unwrap_err();
        assert!(matches!(refused, OutputError::NotAFolder(_)), "{refused}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "pas un dossier");
    }
}
