#pragma once
// The bilingual demo flow shipped with hujiao (src/ivr/demo/demo_flow.yaml,
// compiled into the binary so that the daemon needs no data files to run the
// demo). Any thread.
#include <string_view>

namespace hujiao::ivr {

/// The YAML text of src/ivr/demo/demo_flow.yaml (flow id "demo").
std::string_view demoFlowYaml();

}  // namespace hujiao::ivr
