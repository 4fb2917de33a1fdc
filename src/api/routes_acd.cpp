// SKELETON written by the lead: the helper that owns routes_acd*.cpp fills it.
#include "api/routes.h"

namespace hujiao::api {

void addAcdRoutes(Router&, ApiContext&) {}

}  // namespace hujiao::api
