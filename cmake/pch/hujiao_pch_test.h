#pragma once
// The test executables' precompiled header: the common one plus GoogleTest.
#include "hujiao_pch.h"

#include <gtest/gtest.h>
