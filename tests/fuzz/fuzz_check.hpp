// Shared by the fuzz targets: invariant checks that libFuzzer reports as a crash (abort), saving the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace seminard::fuzz {

[[noreturn]] inline void fail(const char* what, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
    std::abort();
}

/// Equality with both sides printed on failure (escaped, as they may hold any byte).
inline void check_equal(
    std::string_view actual, std::string_view expected, const char* what, const char* file, int line) {
    if (actual == expected) return;
    auto print = [](const char* label, std::string_view s) {
        std::fprintf(stderr, "%s: \"", label);
        for (unsigned char c : s) {
            if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"')
                std::fputc(c, stderr);
            else
                std::fprintf(stderr, "\\x%02X", c);
        }
        std::fprintf(stderr, "\"\n");
    };
    print("actual", actual);
    print("expected", expected);
    fail(what, file, line);
}

/// Runs one input; any exception that escapes is a finding (untrusted input must never throw past the edge).
template <class F>
int run_one(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "exception escaped: %s\n", e.what());
        std::abort();
    } catch (...) {
        std::fprintf(stderr, "unknown exception escaped\n");
        std::abort();
    }
    return 0;
}

}  // namespace seminard::fuzz

#define FUZZ_CHECK_EQUAL(actual, expected) \
    ::seminard::fuzz::check_equal((actual), (expected), #actual " == " #expected, __FILE__, __LINE__)
#define FUZZ_CHECK(cond) ((cond) ? void(0) : ::seminard::fuzz::fail(#cond, __FILE__, __LINE__))
