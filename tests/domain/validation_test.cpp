#include "domain/validation.hpp"
#include <catch2/catch.hpp>
