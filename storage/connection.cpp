// Connection setup and schema migrations (see connection.hpp).
#include "connection.hpp"

#include "outbox.hpp"
#include "wal_batching_vfs.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace seminard::storage {

namespace {

/// NOMUTEX: SQLite's multi-thread mode, without the mutex it otherwise takes in every call on the connection. A
/// connection has one owner at a time (see connection.hpp), which is all this mode asks.
int open_flags(access mode) {
    const int access_flags =
        mode == access::read_only ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    return access_flags | SQLite::OPEN_NOMUTEX;
}

// Each entry is applied once, in order, in its own transaction; never edit an entry that has shipped,
// append a new one instead.
constexpr std::array<std::string_view, 15> migrations = {
    R"sql(
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE seminars (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    price_cents     INTEGER,
    currency        TEXT NOT NULL DEFAULT 'EUR',
    organizer_name  TEXT NOT NULL,
    organizer_email TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE TABLE dates (
    id                     INTEGER PRIMARY KEY,
    seminar_id             INTEGER NOT NULL REFERENCES seminars(id),
    uid                    TEXT NOT NULL UNIQUE,
    timezone               TEXT NOT NULL,
    capacity               INTEGER NOT NULL CHECK (capacity >= 0),
    waitlist               INTEGER NOT NULL CHECK (waitlist IN (0, 1)),
    status                 TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    registration_closes_at INTEGER,
    sequence               INTEGER NOT NULL DEFAULT 0,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);
CREATE INDEX dates_by_seminar ON dates(seminar_id);
CREATE TABLE date_days (
    date_id   INTEGER NOT NULL REFERENCES dates(id) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    start_min INTEGER NOT NULL,
    end_min   INTEGER NOT NULL,
    PRIMARY KEY (date_id, day)
) WITHOUT ROWID;
CREATE TABLE registrations (
    id           INTEGER PRIMARY KEY,
    date_id      INTEGER NOT NULL REFERENCES dates(id),
    code         TEXT NOT NULL UNIQUE,
    token_hash   BLOB NOT NULL UNIQUE,
    status       TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    email        TEXT NOT NULL,
    email_norm   TEXT NOT NULL,
    company      TEXT NOT NULL DEFAULT '',
    job_title    TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    consent_at   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    cancelled_at INTEGER,
    updated_at   INTEGER NOT NULL
);
-- The duplicate rule, enforced by the database as well as by the writer.
CREATE UNIQUE INDEX registrations_active_email ON registrations(date_id, email_norm) WHERE status != 'cancelled';
-- Seat counts, waiting-list order (arrival = id) and the organiser's list all walk this index.
CREATE INDEX registrations_by_date_status ON registrations(date_id, status, id);
)sql",
    // 2: seat counts kept on the date by triggers, so that admission reads two numbers instead of counting rows
    // (counting grew with every registration). Triggers run inside the same transaction as the change, and no code
    // path can forget them.
    R"sql(
ALTER TABLE dates ADD COLUMN confirmed_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dates ADD COLUMN waitlist_count INTEGER NOT NULL DEFAULT 0;
UPDATE dates SET
    confirmed_count = (SELECT COUNT(*) FROM registrations r WHERE r.date_id = dates.id AND r.status = 'confirmed'),
    waitlist_count = (SELECT COUNT(*) FROM registrations r WHERE r.date_id = dates.id AND r.status = 'waitlisted');
CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations BEGIN
    UPDATE dates SET confirmed_count = confirmed_count + (NEW.status = 'confirmed'),
                     waitlist_count = waitlist_count + (NEW.status = 'waitlisted')
    WHERE id = NEW.date_id;
END;
CREATE TRIGGER registrations_count_update AFTER UPDATE OF status, date_id ON registrations BEGIN
    UPDATE dates SET confirmed_count = confirmed_count - (OLD.status = 'confirmed'),
                     waitlist_count = waitlist_count - (OLD.status = 'waitlisted')
    WHERE id = OLD.date_id;
    UPDATE dates SET confirmed_count = confirmed_count + (NEW.status = 'confirmed'),
                     waitlist_count = waitlist_count + (NEW.status = 'waitlisted')
    WHERE id = NEW.date_id;
END;
CREATE TRIGGER registrations_count_delete AFTER DELETE ON registrations BEGIN
    UPDATE dates SET confirmed_count = confirmed_count - (OLD.status = 'confirmed'),
                     waitlist_count = waitlist_count - (OLD.status = 'waitlisted')
    WHERE id = OLD.date_id;
END;
)sql",
    // 3: exports walk a date's registrations in arrival order, with or without a status filter, without sorting.
    R"sql(
CREATE INDEX registrations_by_date ON registrations(date_id, id);
)sql",
    // 4: the outbox of mails to attendees (storage/outbox.hpp), and each attendee's language for them.
    R"sql(
ALTER TABLE registrations ADD COLUMN lang TEXT NOT NULL DEFAULT 'de' CHECK (lang IN ('de', 'en'));
CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,
    registration_id   INTEGER NOT NULL REFERENCES registrations(id),
    kind              TEXT NOT NULL
                      CHECK (kind IN ('registered', 'promoted', 'cancelled', 'date_changed', 'date_cancelled')),
    status            TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    waitlist_position INTEGER,
    token             TEXT,
    created_at        INTEGER NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'ready', 'sent', 'failed')),
    sender            TEXT,
    recipient         TEXT,
    subject           TEXT,
    message           BLOB,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,
    last_error        TEXT,
    sent_at           INTEGER
);
CREATE INDEX outbox_by_state ON outbox(state, id);
CREATE INDEX outbox_by_registration ON outbox(registration_id, id);
)sql",
    // 5: the write path of a registration touches no index with random keys, and no CHECK builds a table.
    //  - The UNIQUE columns code and token_hash indexed random values: each registration dirtied one random leaf
    //    page per index, and under load every such page went to the WAL (4 KiB each) and to the checkpoint. New
    //    codes are the row id, permuted with a key kept in settings (storage::code_permutation), and new tokens
    //    start with the code's value: both find their row by its id. Rows from before keep their random code and
    //    token (legacy = 1), found through partial indexes that new rows never enter.
    //  - SQLite checks "x IN (a, b, c)" (three values or more) by building a temporary table on every INSERT; the
    //    CHECKs now compare with OR.
    // The tables are rebuilt (SQLite cannot drop a column's UNIQUE); migrate() switches foreign keys off around it.
    R"sql(
INSERT INTO settings(key, value) VALUES ('registration_code_key', lower(hex(randomblob(32))));
CREATE TABLE registrations_v5 (
    id           INTEGER PRIMARY KEY,
    date_id      INTEGER NOT NULL REFERENCES dates(id),
    code         TEXT NOT NULL,
    token_hash   BLOB NOT NULL,
    legacy       INTEGER NOT NULL DEFAULT 0 CHECK (legacy IN (0, 1)),
    status       TEXT NOT NULL CHECK (status = 'confirmed' OR status = 'waitlisted' OR status = 'cancelled'),
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    email        TEXT NOT NULL,
    email_norm   TEXT NOT NULL,
    company      TEXT NOT NULL DEFAULT '',
    job_title    TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    consent_at   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    cancelled_at INTEGER,
    updated_at   INTEGER NOT NULL,
    lang         TEXT NOT NULL DEFAULT 'de' CHECK (lang IN ('de', 'en'))
);
INSERT INTO registrations_v5(id, date_id, code, token_hash, legacy, status, first_name, last_name, email, email_norm,
                             company, job_title, phone, consent_at, created_at, cancelled_at, updated_at, lang)
    SELECT id, date_id, code, token_hash, 1, status, first_name, last_name, email, email_norm,
           company, job_title, phone, consent_at, created_at, cancelled_at, updated_at, lang
    FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_v5 RENAME TO registrations;
CREATE UNIQUE INDEX registrations_active_email ON registrations(date_id, email_norm) WHERE status != 'cancelled';
CREATE INDEX registrations_by_date_status ON registrations(date_id, status, id);
CREATE INDEX registrations_by_date ON registrations(date_id, id);
CREATE UNIQUE INDEX registrations_legacy_code ON registrations(code) WHERE legacy = 1;
CREATE UNIQUE INDEX registrations_legacy_token ON registrations(token_hash) WHERE legacy = 1;
CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations BEGIN
    UPDATE dates SET confirmed_count = confirmed_count + (NEW.status = 'confirmed'),
                     waitlist_count = waitlist_count + (NEW.status = 'waitlisted')
    WHERE id = NEW.date_id;
END;
CREATE TRIGGER registrations_count_update AFTER UPDATE OF status, date_id ON registrations BEGIN
    UPDATE dates SET confirmed_count = confirmed_count - (OLD.status = 'confirmed'),
                     waitlist_count = waitlist_count - (OLD.status = 'waitlisted')
    WHERE id = OLD.date_id;
    UPDATE dates SET confirmed_count = confirmed_count + (NEW.status = 'confirmed'),
                     waitlist_count = waitlist_count + (NEW.status = 'waitlisted')
    WHERE id = NEW.date_id;
END;
CREATE TRIGGER registrations_count_delete AFTER DELETE ON registrations BEGIN
    UPDATE dates SET confirmed_count = confirmed_count - (OLD.status = 'confirmed'),
                     waitlist_count = waitlist_count - (OLD.status = 'waitlisted')
    WHERE id = OLD.date_id;
END;
CREATE TABLE outbox_v5 (
    id                INTEGER PRIMARY KEY,
    registration_id   INTEGER NOT NULL REFERENCES registrations(id),
    kind              TEXT NOT NULL CHECK (kind = 'registered' OR kind = 'promoted' OR kind = 'cancelled' OR
                                           kind = 'date_changed' OR kind = 'date_cancelled'),
    status            TEXT NOT NULL CHECK (status = 'confirmed' OR status = 'waitlisted' OR status = 'cancelled'),
    waitlist_position INTEGER,
    token             TEXT,
    created_at        INTEGER NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state = 'pending' OR state = 'ready' OR state = 'sent' OR state = 'failed'),
    sender            TEXT,
    recipient         TEXT,
    subject           TEXT,
    message           BLOB,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,
    last_error        TEXT,
    sent_at           INTEGER
);
INSERT INTO outbox_v5 SELECT id, registration_id, kind, status, waitlist_position, token, created_at, state, sender,
                             recipient, subject, message, attempts, next_attempt_at, last_error, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v5 RENAME TO outbox;
CREATE INDEX outbox_by_state ON outbox(state, id);
CREATE INDEX outbox_by_registration ON outbox(registration_id, id);
)sql",
    // 6: no private link in the clear any more. The outbox keeps a registration's token sealed with the key outside
    // the database until its mail is sent, and rendered messages hold the link redacted; seal_outbox_tokens() moves
    // what an older database holds in the clear.
    R"sql(
ALTER TABLE outbox ADD COLUMN token_sealed BLOB;
)sql",
    // 7: what a B2B registration carries besides the person: the seminar's billing mode and its own questions, and a
    // registration's billing address and answers (storage/json_columns.hpp has the JSON shapes). An answer keeps the
    // question's wording, so that a question changed or removed later leaves it readable.
    R"sql(
ALTER TABLE seminars ADD COLUMN billing TEXT NOT NULL DEFAULT 'none'
    CHECK (billing = 'none' OR billing = 'optional' OR billing = 'required');
ALTER TABLE seminars ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE registrations ADD COLUMN billing TEXT;
ALTER TABLE registrations ADD COLUMN answers TEXT;
)sql",
    // 8: company bookings. A booking holds the booker and the one billing address; each attendee is a registration
    // of its own that names its booking. The booker's mail is an outbox row of the booking, not of a registration,
    // so the outbox is rebuilt with either one (SQLite cannot relax a NOT NULL or a CHECK in place).
    R"sql(
CREATE TABLE bookings (
    id          INTEGER PRIMARY KEY,
    date_id     INTEGER NOT NULL REFERENCES dates(id),
    code        TEXT NOT NULL,
    token_hash  BLOB NOT NULL,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    email       TEXT NOT NULL,
    company     TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    billing     TEXT,
    lang        TEXT NOT NULL DEFAULT 'de' CHECK (lang = 'de' OR lang = 'en'),
    consent_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX bookings_by_date ON bookings(date_id);
ALTER TABLE registrations ADD COLUMN booking_id INTEGER REFERENCES bookings(id);
CREATE INDEX registrations_by_booking ON registrations(booking_id) WHERE booking_id IS NOT NULL;
CREATE TABLE outbox_v8 (
    id                INTEGER PRIMARY KEY,
    registration_id   INTEGER REFERENCES registrations(id),
    booking_id        INTEGER REFERENCES bookings(id),
    kind              TEXT NOT NULL CHECK (kind = 'registered' OR kind = 'promoted' OR kind = 'cancelled' OR
                                           kind = 'date_changed' OR kind = 'date_cancelled' OR kind = 'booking' OR
                                           kind = 'substituted'),
    status            TEXT NOT NULL CHECK (status = 'confirmed' OR status = 'waitlisted' OR status = 'cancelled'),
    waitlist_position INTEGER,
    token             TEXT,
    created_at        INTEGER NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state = 'pending' OR state = 'ready' OR state = 'sent' OR state = 'failed'),
    sender            TEXT,
    recipient         TEXT,
    subject           TEXT,
    message           BLOB,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,
    last_error        TEXT,
    sent_at           INTEGER,
    token_sealed      BLOB,
    person            TEXT,
    CHECK ((registration_id IS NULL) != (booking_id IS NULL))
);
INSERT INTO outbox_v8(id, registration_id, kind, status, waitlist_position, token, created_at, state, sender,
                      recipient, subject, message, attempts, next_attempt_at, last_error, sent_at, token_sealed)
    SELECT id, registration_id, kind, status, waitlist_position, token, created_at, state, sender, recipient, subject,
           message, attempts, next_attempt_at, last_error, sent_at, token_sealed FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v8 RENAME TO outbox;
CREATE INDEX outbox_by_state ON outbox(state, id);
CREATE INDEX outbox_by_registration ON outbox(registration_id, id);
CREATE INDEX outbox_by_booking ON outbox(booking_id, id) WHERE booking_id IS NOT NULL;
)sql",
    // 9: a seminar's cancellation terms (Stornobedingungen) and how many days before the first day attendees may
    // still cancel themselves (NULL: until it starts). Plain ADD COLUMNs only, so that the step can change its number.
    R"sql(
ALTER TABLE seminars ADD COLUMN cancellation_terms TEXT NOT NULL DEFAULT '';
ALTER TABLE seminars ADD COLUMN self_cancel_days INTEGER CHECK (self_cancel_days BETWEEN 0 AND 365);
)sql",
    // 10: substitutes and the history. `holder` counts the people a seat has had (a substitute makes it 1, 2, …),
    // so that the calendar key of the one before stops working; the history keeps who it was, when and by whom.
    R"sql(
ALTER TABLE registrations ADD COLUMN holder INTEGER NOT NULL DEFAULT 0;
CREATE TABLE history (
    id              INTEGER PRIMARY KEY,
    registration_id INTEGER REFERENCES registrations(id),
    booking_id      INTEGER REFERENCES bookings(id),
    at              INTEGER NOT NULL,
    actor           TEXT NOT NULL CHECK (actor = 'attendee' OR actor = 'booker' OR actor = 'organiser'),
    event           TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX history_by_registration ON history(registration_id, id) WHERE registration_id IS NOT NULL;
)sql",
    // 11: the answers of idempotent requests (storage/kept_answers.hpp), for 24 hours: per caller (scope) and key, the
    // request's fingerprint and the answer's status in the clear, its headers and body sealed with the key outside
    // the database (a registration's answer holds its private link). Only its own table and index, so that the
    // migration's place in the list does not matter.
    R"sql(
CREATE TABLE kept_answers (
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    status      INTEGER NOT NULL,
    answer      BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX kept_answers_by_age ON kept_answers(created_at);
)sql",
    // 12: rebooking (Umbuchung). `arrival` orders a date's waiting list: the row's id for a new registration, a fresh
    // value from the same sequence for one moved in (it arrives now, behind those already waiting; the id stays, and
    // with it the code). The outbox learns the `moved` mail, which names the date left and the date joined.
    R"sql(
ALTER TABLE registrations ADD COLUMN arrival INTEGER NOT NULL DEFAULT 0;
UPDATE registrations SET arrival = id;
CREATE INDEX registrations_queue ON registrations(date_id, arrival) WHERE status = 'waitlisted';
CREATE TABLE outbox_v12 (
    id                INTEGER PRIMARY KEY,
    registration_id   INTEGER REFERENCES registrations(id),
    booking_id        INTEGER REFERENCES bookings(id),
    kind              TEXT NOT NULL CHECK (kind = 'registered' OR kind = 'promoted' OR kind = 'cancelled' OR
                                           kind = 'date_changed' OR kind = 'date_cancelled' OR kind = 'booking' OR
                                           kind = 'substituted' OR kind = 'moved'),
    status            TEXT NOT NULL CHECK (status = 'confirmed' OR status = 'waitlisted' OR status = 'cancelled'),
    waitlist_position INTEGER,
    token             TEXT,
    created_at        INTEGER NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state = 'pending' OR state = 'ready' OR state = 'sent' OR state = 'failed'),
    sender            TEXT,
    recipient         TEXT,
    subject           TEXT,
    message           BLOB,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,
    last_error        TEXT,
    sent_at           INTEGER,
    token_sealed      BLOB,
    person            TEXT,
    moved_from        INTEGER REFERENCES dates(id),
    moved_to          INTEGER REFERENCES dates(id),
    CHECK ((registration_id IS NULL) != (booking_id IS NULL)),
    CHECK ((kind = 'moved') = (moved_from IS NOT NULL AND moved_to IS NOT NULL))
);
INSERT INTO outbox_v12(id, registration_id, booking_id, kind, status, waitlist_position, token, created_at, state,
                       sender, recipient, subject, message, attempts, next_attempt_at, last_error, sent_at,
                       token_sealed, person)
    SELECT id, registration_id, booking_id, kind, status, waitlist_position, token, created_at, state, sender,
           recipient, subject, message, attempts, next_attempt_at, last_error, sent_at, token_sealed, person FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v12 RENAME TO outbox;
CREATE INDEX outbox_by_state ON outbox(state, id);
CREATE INDEX outbox_by_registration ON outbox(registration_id, id);
CREATE INDEX outbox_by_booking ON outbox(booking_id, id) WHERE booking_id IS NOT NULL;
)sql",
    // 13: erasure (storage/erasure.hpp). An erased registration or booking keeps its row, status and place (seat
    // counts and the waiting list stay right) without anything personal; `erasures` records each erasure: when, by
    // whom, how many rows, never whose.
    R"sql(
ALTER TABLE registrations ADD COLUMN erased_at INTEGER;
ALTER TABLE bookings ADD COLUMN erased_at INTEGER;
CREATE TABLE erasures (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    scope         TEXT NOT NULL CHECK (scope = 'registration' OR scope = 'address' OR scope = 'retention'),
    registrations INTEGER NOT NULL,
    bookings      INTEGER NOT NULL
);
)sql",
    // 14: consent proof. Each version of the privacy notice and the consent wording shown on the form, with the
    // SHA-256 of both texts; a registration and a booking name the version they agreed to (NULL: before schema 14).
    R"sql(
CREATE TABLE consent_versions (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE,
    notice     TEXT NOT NULL,
    wording    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
ALTER TABLE registrations ADD COLUMN consent_version INTEGER REFERENCES consent_versions(id);
ALTER TABLE bookings ADD COLUMN consent_version INTEGER REFERENCES consent_versions(id);
)sql",
    // 15: organiser accounts (storage/accounts.hpp). Sessions and API tokens are kept as SHA-256 hashes of their
    // secrets; they go with their user.
    R"sql(
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    role                TEXT NOT NULL CHECK (role = 'owner' OR role = 'staff'),
    password_hash       TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    id_hash    BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);
)sql",
};

/// The VFS a connection opens with: the connections that write frames with every COMMIT synced batch their WAL
/// writes (see wal_batching_vfs.hpp); all others use SQLite's default.
const char* vfs_for(const db_options& options, access mode) {
    return mode == access::read_write && options.synchronous_full ? wal_batching_vfs_name() : nullptr;
}

}  // namespace

/// No memory statistics: they take a global mutex around every allocation SQLite makes (docs/performance.md).
connection::process_settings::process_settings() {
    static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)once;  // SQLITE_MISUSE when something initialised SQLite first: then it merely stays on
}

connection::connection(const db_options& options, access mode)
    : db_(options.path.c_str(), open_flags(mode), 0, vfs_for(options, mode)), key_(options.key) {
    if (!key_) {
        static const auto process_key = std::make_shared<const secret_key>(secret_key::generate());
        key_ = process_key;
    }
    db_.setBusyTimeout(options.busy_timeout_ms);
    if (mode == access::read_write) {
        // WAL: readers never block the writer and a COMMIT is one append to the log.
        db_.exec("PRAGMA journal_mode=WAL");
    }
    db_.exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    db_.exec("PRAGMA foreign_keys=ON");
    // The writer runs each command in a SAVEPOINT, whose statement journal SQLite spills to a temporary file past
    // 64 KiB (two pwrite calls per page). In memory it costs a memcpy, and it is never needed after a crash: a crash
    // rolls back the whole transaction through the WAL.
    db_.exec("PRAGMA temp_store=MEMORY");
    // What is deleted or overwritten is zeroed in the file, not left in free pages: erased personal data and the
    // private links that a migration moved out of the clear must not be recoverable from a copy of the database.
    if (mode == access::read_write) db_.exec("PRAGMA secure_delete=ON");
    if (mode == access::read_write) {
        caches_rows_ = true;
        sqlite3_update_hook(
            db_.getHandle(),
            [](void* self, int, const char*, const char* table, sqlite3_int64 rowid) {
                if (std::strcmp(table, "seminars") == 0) static_cast<connection*>(self)->seminars_.erase(rowid);
            },
            this);
        sqlite3_rollback_hook(
            db_.getHandle(), [](void* self) { static_cast<connection*>(self)->forget_cached_rows(); }, this);
    }
}

std::unordered_map<std::int64_t, domain::seminar>* connection::seminar_cache() {
    if (!caches_rows_) return nullptr;
    auto q = prepare("PRAGMA data_version");
    const std::int64_t version = q.executeStep() ? q.getColumn(0).getInt64() : -1;
    if (version != data_version_ || seminars_.size() > 256) {
        seminars_.clear();
        data_version_ = version;
    }
    return &seminars_;
}

void connection::forget_cached_rows() noexcept {
    seminars_.clear();
    legacy_codes_.reset();
    consent_version_.reset();
}

std::optional<std::int64_t> connection::consent_version() {
    if (!consent_version_) {
        auto q = prepare("SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'consent_version'");
        consent_version_ = q.executeStep() ? std::optional{q.getColumn(0).getInt64()} : std::nullopt;
    }
    return *consent_version_;
}

bool connection::has_legacy_codes() {
    if (!legacy_codes_) {
        auto q = prepare("SELECT EXISTS (SELECT 1 FROM registrations WHERE legacy = 1)");
        legacy_codes_ = q.executeStep() && q.getColumn(0).getInt() != 0;
    }
    return *legacy_codes_;
}

const code_permutation& connection::codes() {
    if (!codes_) {
        SQLite::Statement q(db_, "SELECT value FROM settings WHERE key = 'registration_code_key'");
        if (!q.executeStep()) throw std::runtime_error("the database has no registration code key (schema too old)");
        const std::string hex = q.getColumn(0).getString();
        std::vector<std::uint8_t> key;
        auto nibble = [](char ch) { return ch <= '9' ? ch - '0' : ch - 'a' + 10; };
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
            key.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
        codes_.emplace(key);
    }
    return *codes_;
}

statement_ref connection::prepare(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) {
        slot = std::make_unique<SQLite::Statement>(db_, sql);
    } else {
        slot->clearBindings();
    }
    return statement_ref{*slot};
}

int latest_schema_version() noexcept { return static_cast<int>(migrations.size()); }

int migrate(connection& c, int target) {
    auto& db = c.db();
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    // A migration that rebuilds a table drops the old one; with foreign keys on, SQLite would refuse (rows of other
    // tables point at it). Off while migrating, as SQLite's own procedure for table changes says, and checked
    // before each commit instead. The pragma only takes effect outside a transaction.
    struct foreign_keys_off {
        SQLite::Database& db;
        explicit foreign_keys_off(SQLite::Database& d) : db(d) { db.exec("PRAGMA foreign_keys=OFF"); }
        ~foreign_keys_off() {
            try {
                db.exec("PRAGMA foreign_keys=ON");
            } catch (...) {
            }
        }
    } keys_off{db};
    auto read_version = [&db] {
        SQLite::Statement q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return q.executeStep() ? q.getColumn(0).getInt() : 0;
    };
    for (;;) {
        // IMMEDIATE, and the version read inside it: a second process starting at the same time waits for the
        // lock, then sees the first one's work and skips it instead of migrating twice.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);  // rolls back in its destructor on throw
        const int current = read_version();
        if (current > latest_schema_version())
            throw std::runtime_error("database schema version " + std::to_string(current) +
                                     " is newer than this build knows (" + std::to_string(latest_schema_version()) +
                                     ")");
        if (current >= target) return current;
        db.exec(std::string{migrations[static_cast<std::size_t>(current)]});
        if (current + 1 == 6) seal_outbox_tokens(c);
        c.forget_cached_rows();  // a rebuilt table changes without the update hook
        if (SQLite::Statement check(db, "PRAGMA foreign_key_check"); check.executeStep())
            throw std::runtime_error("migration " + std::to_string(current + 1) + " broke a foreign key (table " +
                                     check.getColumn(0).getString() + ")");
        SQLite::Statement ins(db, "INSERT INTO schema_version(version) VALUES (?)");
        ins.bind(1, current + 1);
        ins.exec();
        tx.commit();
    }
}

}  // namespace seminard::storage
