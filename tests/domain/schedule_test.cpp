#include "domain/schedule.hpp"
#include <catch2/catch.hpp>
