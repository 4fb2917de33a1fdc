#pragma once
// Precompiled into every C++ target that links the project's libraries
// (cmake/Pch.cmake): the third-party and standard headers that nearly every
// translation unit parses. Only headers whose meaning does not depend on the
// including file belong here; project headers never do (they change often).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
