// The control endpoints (/_sim/...): what a script or another language uses instead of the C++
// calls. No key, never faulted, not journaled.
#include "server/server_impl.hpp"

namespace cometapi::testing {

using detail::Json;

void FakeCometServer::Impl::control(const httplib::Request& req, httplib::Response& res) {
  Json out;
  int status = 200;
  if (req.path == "/_sim/advance") {
    long long ms = 0;
    try {
      ms = std::stoll(req.get_param_value("ms"));
    } catch (const std::exception&) {
      status = 400;
    }
    if (status == 200) sim_.advance(std::chrono::milliseconds(ms));
    out = Json{{"now_ms", sim_.now_ms()}};
  } else if (req.path == "/_sim/stats" && req.method == "GET") {
    out = Json{{"now_ms", sim_.now_ms()},
               {"connections_accepted", connections_->accepted.load()},
               {"submits", sim_.submits()},
               {"tasks_created", sim_.tasks_created()},
               {"submits_by_state", sim_.submits_by_state()},
               {"requests", requests_by_path()}};
  } else if (req.path == "/_sim/tasks" && req.method == "GET") {
    out = Json::array();
    for (const TaskInfo& t : sim_.tasks()) {
      out.push_back(Json{{"id", t.id},
                         {"action", t.action},
                         {"status", t.status},
                         {"upstreamStatus", t.upstream_status},
                         {"progress", t.progress},
                         {"prompt", t.prompt},
                         {"state", t.state},
                         {"parentId", t.parent_id},
                         {"customId", t.custom_id},
                         {"mode", t.mode}});
    }
  } else if (req.path == "/_sim/hooks" && req.method == "GET") {
    hooks_.flush();
    out = Json::array();
    for (const HookDelivery& d : hooks_.deliveries()) {
      out.push_back(Json{{"taskId", d.task_id},
                         {"url", d.url},
                         {"status", d.status},
                         {"progress", d.progress},
                         {"httpStatus", d.http_status},
                         {"refused", d.refused},
                         {"error", d.error}});
    }
  } else if (req.path == "/_sim/fail-next") {
    try {
      const std::vector<FaultRate> kind = parse_fault_spec(req.get_param_value("kind") + "=1");
      const int count = req.has_param("count") ? std::stoi(req.get_param_value("count")) : 1;
      faults_.fail_next(req.get_param_value("path"), kind.at(0).kind, count);
      out = Json{{"ok", true}};
    } catch (const std::exception& e) {
      status = 400;
      out = Json{{"ok", false}, {"error", e.what()}};
    }
  } else {
    status = 404;
    out = Json{{"error", "unknown control endpoint " + req.method + " " + req.path}};
  }
  res.status = status;
  res.set_content(out.dump(), detail::kJsonType);
}

}  // namespace cometapi::testing
