#include "domain/admission.hpp"
#include <catch2/catch.hpp>
