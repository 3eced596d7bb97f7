#include "rules/partners_file.h"

#include "json/lines.h"
#include "json/records.h"

namespace leadroute::rules {

Status ParsePartnersJsonl(std::string_view text, std::string_view name,
                          std::vector<Partner>* partners,
                          std::vector<PartnerSource>* sources) {
  std::vector<Partner> out;
  std::vector<PartnerSource> out_sources;
  Status s = json::ForEachJsonLine(
      text, name, [&](json::od::value& object, std::string_view line, std::size_t line_no) {
        Partner p;
        if (Status d = json::DecodePartner(object, "partner", &p); !d.ok()) return d;
        out.push_back(std::move(p));
        out_sources.push_back({std::string(name) + ":" + std::to_string(line_no), line});
        return Status::Ok();
      });
  if (!s.ok()) return s;
  for (auto& p : out) partners->push_back(std::move(p));
  for (auto& w : out_sources) sources->push_back(std::move(w));
  return Status::Ok();
}

}  // namespace leadroute::rules
