// A forward-only cursor over a date's registrations for exports: its own read-only connection and one consistent
// snapshot, read row by row so that memory does not grow with the number of rows.
#pragma once

#include "connection.hpp"
#include "domain/csv.hpp"
#include "domain/model.hpp"

#include <SQLiteCpp/Statement.h>

#include <memory>
#include <optional>
#include <vector>

namespace seminard::storage {

/// Not thread-safe; may move between threads as long as one thread uses it at a time (exports hand it from one
/// blocking task to the next). Holds a read transaction until destroyed, so it sees one snapshot throughout.
class export_cursor {
public:
    /// Registrations of the given dates, date by date in the given order, in order of registration (id) within
    /// each date; optionally only one status. Waiting-list positions are counted on the fly, which is exact because
    /// the cursor walks every waitlisted row of a date (see waitlisted_seen_ for those rebooked onto it).
    export_cursor(const db_options& options,
                  std::vector<std::int64_t> date_ids,
                  std::optional<domain::registration_status> status);
    ~export_cursor();

    /// The next row, or nullopt at the end.
    std::optional<domain::registration> next();

    /// The columns beyond the fixed ones for seminar `s` in this snapshot: the billing address when the seminar
    /// asks for one or a row has one; the seminar's questions with their wording now, then the questions that rows
    /// answered but the seminar no longer asks, with the wording they were answered under (first answer first).
    domain::csv_extras columns(const domain::seminar& s);

private:
    bool open_next_date();

    connection conn_;
    std::vector<std::int64_t> date_ids_;
    std::size_t date_index_ = 0;
    std::optional<domain::registration_status> status_;
    std::unique_ptr<SQLite::Statement> query_;
    /// Waiting-list positions while walking a date in id order: the waiting rows whose arrival is their id seen so
    /// far, plus those rebooked onto the date (arrival later than their id) that arrived earlier. A rebooked row
    /// itself is counted with a query; there are few of them.
    int waitlisted_seen_ = 0;
    std::vector<std::int64_t> moved_arrivals_;  ///< sorted
    std::int64_t date_id_ = 0;
};

}  // namespace seminard::storage
