// SKELETON written by the lead: the helper that owns routes_ivr*.cpp fills it.
#include "api/routes.h"

namespace hujiao::api {

void addIvrRoutes(Router&, ApiContext&) {}

}  // namespace hujiao::api
