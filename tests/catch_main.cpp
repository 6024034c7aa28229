// The one translation unit that holds Catch2's main().
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
    Catch::Session session;
    // CTest runs every test by its name. A name that matches nothing (catch_discover_tests splits names at ';')
    // would run no test and pass; with this it fails.
    auto& config = session.configData();
    config.warnings = static_cast<Catch::WarnAbout::What>(config.warnings | Catch::WarnAbout::NoTests);
    if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
    return session.run();
}
