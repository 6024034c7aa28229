#include "domain/text.hpp"
#include <catch2/catch.hpp>
