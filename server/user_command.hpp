// `seminard user …`: organiser accounts from the command line, the way the first owner is made on a fresh install.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace seminard::server {

/// Runs `user add EMAIL --role owner|staff`, `user list`, `user remove EMAIL` or `user password EMAIL` (`args`
/// after "user", each may take `--db PATH`). A password comes from `env_password` (SEMINARD_PASSWORD) when set,
/// else from the first line of `in`. Messages go to `out` and `err`; returns the exit code (0 done, 1 refused or
/// failed, 2 usage).
int run_user_command(const std::vector<std::string>& args,
                     const char* env_password,
                     std::istream& in,
                     std::ostream& out,
                     std::ostream& err);

std::string user_usage_text();

}  // namespace seminard::server
