// The user subcommand (see user_command.hpp).
#include "server/user_command.hpp"

#include "domain/schedule.hpp"
#include "domain/text.hpp"
#include "storage/accounts.hpp"
#include "storage/connection.hpp"
#include "storage/passwords.hpp"
#include "storage/secret_key.hpp"

#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <filesystem>
#include <istream>
#include <memory>
#include <ostream>

namespace seminard::server {

namespace {

domain::instant now() { return date::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

struct user_args {
    std::string verb;
    std::string email;
    std::string role;
    std::string db = storage::db_options{}.path;
    std::string key_file;  ///< empty: the database's own (as the server's --key-file)
};

/// The password: the environment's, or the first line of `in` (a trailing CR dropped). Checked for length.
std::optional<std::string> read_password(const char* env_password, std::istream& in, std::ostream& err) {
    std::string password;
    if (env_password && *env_password) {
        password = env_password;
    } else if (!std::getline(in, password)) {
        err << "seminard user: no password on standard input (or set SEMINARD_PASSWORD)\n";
        return std::nullopt;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.size() < storage::min_password_size || password.size() > storage::max_password_size) {
        err << "seminard user: the password needs " << storage::min_password_size << " to "
            << storage::max_password_size << " characters\n";
        return std::nullopt;
    }
    return password;
}

std::string when(domain::instant t) { return domain::to_iso8601(t); }

}  // namespace

std::string user_usage_text() {
    return R"(Usage: seminard user add EMAIL --role owner|staff [--db PATH]
       seminard user list [--db PATH]
       seminard user remove EMAIL [--db PATH]
       seminard user password EMAIL [--db PATH]

Organiser accounts of the workspace (/admin). add and password read the password from SEMINARD_PASSWORD or
else from the first line of standard input (10 to 1024 characters); it is stored as an Argon2id hash only. A
new password ends every session of the account. The last owner cannot be removed. Safe while the server runs.
--db and --key-file as for the server.
)";
}

int run_user_command(const std::vector<std::string>& args,
                     const char* env_password,
                     std::istream& in,
                     std::ostream& out,
                     std::ostream& err) {
    user_args a;
    std::vector<std::string> positional;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--db" && i + 1 < args.size())
            a.db = args[++i];
        else if (args[i] == "--key-file" && i + 1 < args.size())
            a.key_file = args[++i];
        else if (args[i] == "--role" && i + 1 < args.size())
            a.role = args[++i];
        else if (args[i] == "--help" || args[i] == "-h") {
            out << user_usage_text();
            return 0;
        } else if (args[i].rfind("--", 0) == 0) {
            err << "seminard user: unknown option " << args[i] << "\n" << user_usage_text();
            return 2;
        } else
            positional.push_back(args[i]);
    }
    if (positional.empty()) {
        err << user_usage_text();
        return 2;
    }
    a.verb = positional[0];
    const bool needs_email = a.verb == "add" || a.verb == "remove" || a.verb == "password";
    if ((a.verb == "list" && positional.size() != 1) || (needs_email && positional.size() != 2) ||
        (!needs_email && a.verb != "list")) {
        err << user_usage_text();
        return 2;
    }
    if (needs_email) a.email = positional[1];
    std::optional<storage::role> role;
    if (a.verb == "add" && !(role = storage::parse_role(a.role))) {
        err << "seminard user add: --role owner or --role staff\n";
        return 2;
    }
    if (a.verb != "add" && !a.role.empty()) {
        err << "seminard user: --role belongs to add\n";
        return 2;
    }

    try {
        // Hash before the database is opened: the write transaction then lasts milliseconds, not Argon2's time.
        std::string hash;
        if (a.verb == "add" || a.verb == "password") {
            auto password = read_password(env_password, in, err);
            if (!password) return 1;
            hash = storage::hash_password(*password);
        }
        if (a.verb != "add" && !std::filesystem::exists(a.db)) {
            err << "seminard user: no database at " << a.db << "\n";
            return 1;
        }
        std::filesystem::path db_path{a.db};
        if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path());
        storage::db_options opts;
        opts.path = a.db;
        // The server's key, as the server would load it: a migration run from here may seal what it moves.
        opts.key = std::make_shared<const storage::secret_key>(storage::secret_key::load_or_create(
            a.key_file.empty() ? storage::default_key_path(a.db) : std::filesystem::path{a.key_file}));
        storage::connection c{opts, storage::access::read_write};
        storage::migrate(c);
        if (a.verb == "list") {
            for (const auto& u : storage::list_users(c))
                out << u.email << '\t' << storage::role_name(u.role) << '\t' << "since " << when(u.created_at) << '\n';
            return 0;
        }
        SQLite::Transaction tx{c.db(), SQLite::TransactionBehavior::IMMEDIATE};
        if (a.verb == "add") {
            auto u = storage::add_user(c, a.email, *role, hash, now());
            if (!u) {
                if (u.err().code == domain::errc::account_exists)
                    err << "seminard user add: " << domain::normalize_email(a.email) << " has an account already\n";
                else
                    err << "seminard user add: " << a.email << " is not an e-mail address\n";
                return 1;
            }
            tx.commit();
            out << "added " << u->email << " (" << storage::role_name(u->role) << ")\n";
            return 0;
        }
        auto u = storage::find_user(c, a.email);
        if (!u) {
            err << "seminard user " << a.verb << ": no account for " << domain::normalize_email(a.email) << "\n";
            return 1;
        }
        if (a.verb == "remove") {
            if (storage::remove_user(c, u->email) == storage::removal::last_owner) {
                err << "seminard user remove: " << u->email << " is the last owner; add another owner first\n";
                return 1;
            }
            tx.commit();
            out << "removed " << u->email << " (its sessions and API tokens with it)\n";
            return 0;
        }
        storage::set_password(c, u->id, hash, now());
        tx.commit();
        out << "new password for " << u->email << "; every session of it has ended\n";
        return 0;
    } catch (const std::exception& e) {
        err << "seminard user: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace seminard::server
