// Normalizers on realistic inputs, and `normalize` through the dispatcher
// (what `leadroute pipe` and `serve` run per request, without the I/O).
//
// Baselines in the same run: BM_LowerCopy (copying and lower-casing the same
// inputs: the floor any normalizer pays) and BM_DispatchPing (the JSON-RPC
// envelope alone).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "gen/synthetic.h"
#include "leadroute/engine.h"
#include "normalize/phone_number.h"
#include "protocol/dispatcher.h"

namespace leadroute {
namespace {

const Engine& SharedEngine() {
  static Engine* e = [] {
    auto made = Engine::Create();
    if (!made.ok()) std::abort();
    return made->release();
  }();
  return *e;
}
const Normalizer& N() { return SharedEngine().normalizer(); }

const std::vector<std::string> kCompanies = {
    "ACME Deutschland GmbH", "Acme Corp.", "The Procter & Gamble Company",
    "International Business Machines Corporation", "Siemens AG",
    "Société Générale S.A.", "Müller & Söhne GmbH & Co. KG",
    "Toyota Motor Kabushiki Kaisha", "Nordea Bank Abp", "Unilever N.V.",
    "Tata Consultancy Services Pvt Ltd", "Zürcher Kantonalbank",
    "BHP Group Pty Ltd", "Grupo Bimbo S.A.B. de C.V.", "ООО Ромашка",
    "Banco Santander, S.A.", "Heineken Holding N.V.", "H&M Hennes & Mauritz AB"};
const std::vector<std::string> kDomains = {
    "acme.de", "https://www.acme.de/en", "http://shop.acme.co.uk/x?y=1",
    "www.example.com.au", "ACME.COM.", "münchen.de", "sub.domain.acme.co.jp",
    "https://user@acme.io:8443/path", "acme.github.io", "n/a"};
const std::vector<std::string> kEmails = {
    "j.doe@acme.de", "J.Doe+webinar@GoogleMail.com", "Jane <jane@acme.co.uk>",
    "sales@sub.acme.com", "max.mustermann@web.de", "info@müller.de",
    "someone@yahoo.co.uk", "bob.smith@company.com.au"};
const std::vector<std::pair<std::string, std::string>> kPhones = {
    {"+49 89 1234567", "DE"}, {"(773) 534-6361", "US"},
    {"020 7946 0958", "GB"},  {"+33 1 42 68 53 00", ""},
    {"+49 (0)89 1234-567 ext. 12", "DE"}, {"03-1234-5678", "JP"},
    {"+61 2 9876 5432", "AU"}, {"12", "US"}};
const std::vector<std::pair<std::string, std::string>> kPersons = {
    {"Bob", "Smith"}, {"Margaret", "O'Brien"}, {"José", "García Márquez"},
    {"Dr. Hans", "Müller"}, {"Bill", "van der Berg"}, {"Peggy", "Sue Jr"}};
struct Addr { std::string street, postal, city, country; };
const std::vector<Addr> kAddresses = {
    {"Leopoldstr. 1", "80331", "München", "DE"},
    {"123 E Main St Suite 900", "89132-1234", "Las Vegas", "US"},
    {"10 Downing Street", "SW1A 2AA", "London", "GB"},
    {"8 stanley street", "4223", "winston hills", "AU"},
    {"55 Rue du Faubourg Saint-Honoré", "75008", "Paris", "FR"}};

void BM_LowerCopy(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& in = kCompanies[i++ % kCompanies.size()];
    std::string out;
    out.reserve(in.size());
    for (char c : in) out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_LowerCopy);

void BM_Company(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(N().Company(kCompanies[i++ % kCompanies.size()]));
  }
}
BENCHMARK(BM_Company);

void BM_CompanyAscii(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(N().Company("ACME Deutschland GmbH"));
  }
}
BENCHMARK(BM_CompanyAscii);

void BM_Domain(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(N().Domain(kDomains[i++ % kDomains.size()]));
  }
}
BENCHMARK(BM_Domain);

void BM_Email(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(N().Email(kEmails[i++ % kEmails.size()]));
  }
}
BENCHMARK(BM_Email);

// Through the Normalizer's cache: the numbers repeat, so these are hits.
void BM_Phone(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [number, country] = kPhones[i++ % kPhones.size()];
    benchmark::DoNotOptimize(N().Phone(number, country));
  }
}
BENCHMARK(BM_Phone);

// Without the cache: what every new number costs. The fast path answers
// all of kPhones but the one with an extension.
void BM_PhoneUncached(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [number, country] = kPhones[i++ % kPhones.size()];
    benchmark::DoNotOptimize(normalize::PhoneKey(number, country));
  }
}
BENCHMARK(BM_PhoneUncached);

// Common shapes only, all answered by the fast path.
void BM_PhoneFastShapes(benchmark::State& state) {
  static const std::vector<std::pair<std::string, std::string>> phones = {
      {"+49 89 1234567", "DE"}, {"(773) 534-6361", "US"}, {"020 7946 0958", "GB"},
      {"+33 1 42 68 53 00", ""}, {"03-1234-5678", "JP"}, {"+61 2 9876 5432", "AU"}};
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [number, country] = phones[i++ % phones.size()];
    benchmark::DoNotOptimize(normalize::PhoneKey(number, country));
  }
}
BENCHMARK(BM_PhoneFastShapes);

// The baseline: the same numbers, libphonenumber only.
void BM_PhoneLibphonenumber(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [number, country] = kPhones[i++ % kPhones.size()];
    benchmark::DoNotOptimize(normalize::PhoneKeyLibphonenumber(number, country));
  }
}
BENCHMARK(BM_PhoneLibphonenumber);

void BM_Person(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [first, last] = kPersons[i++ % kPersons.size()];
    benchmark::DoNotOptimize(N().Person(first, last));
  }
}
BENCHMARK(BM_Person);

void BM_Address(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    const Addr& a = kAddresses[i++ % kAddresses.size()];
    benchmark::DoNotOptimize(N().Address(a.street, a.postal, a.city, a.country));
  }
}
BENCHMARK(BM_Address);

void BM_PartyKeys(benchmark::State& state) {
  Party p;
  p.company = "ACME Deutschland GmbH";
  p.domain = "https://www.acme.de/en";
  p.email = "J.Doe+webinar@acme.de";
  p.phone = "+49 89 1234567";
  p.country = "DE";
  p.first_name = "Jane";
  p.last_name = "Doe";
  p.street = "Leopoldstr. 1";
  p.postal_code = "80331";
  p.city = "München";
  for (auto _ : state) benchmark::DoNotOptimize(N().Keys(p));
}
BENCHMARK(BM_PartyKeys);

// The same normalizers over 100,000 distinct generated customers, as a bulk
// load sees them: every value new, so no cache answers (the phone cache holds
// 65,536 and evicts the oldest first).
const std::vector<Party>& GeneratedParties() {
  static const std::vector<Party> parties = [] {
    gen::Generator gen;
    std::vector<Party> out;
    for (std::size_t i = 0; i < 100000; ++i) out.push_back(gen.OpportunityFor(i).party);
    return out;
  }();
  return parties;
}

template <typename Fn>
void OverGenerated(benchmark::State& state, Fn fn) {
  const auto& parties = GeneratedParties();
  std::size_t i = 0;
  for (auto _ : state) fn(parties[i++ % parties.size()]);
}

void BM_GeneratedKeys(benchmark::State& state) {
  OverGenerated(state, [](const Party& p) { benchmark::DoNotOptimize(N().Keys(p)); });
}
BENCHMARK(BM_GeneratedKeys);

void BM_GeneratedCompany(benchmark::State& state) {
  OverGenerated(state, [](const Party& p) { benchmark::DoNotOptimize(N().Company(p.company)); });
}
BENCHMARK(BM_GeneratedCompany);

void BM_GeneratedDomain(benchmark::State& state) {
  OverGenerated(state, [](const Party& p) { benchmark::DoNotOptimize(N().Domain(p.domain)); });
}
BENCHMARK(BM_GeneratedDomain);

void BM_GeneratedEmail(benchmark::State& state) {
  OverGenerated(state, [](const Party& p) { benchmark::DoNotOptimize(N().Email(p.email)); });
}
BENCHMARK(BM_GeneratedEmail);

void BM_GeneratedPhone(benchmark::State& state) {
  OverGenerated(state, [](const Party& p) {
    benchmark::DoNotOptimize(N().Phone(p.phone, p.country));
  });
}
BENCHMARK(BM_GeneratedPhone);

void BM_GeneratedPhoneUncached(benchmark::State& state) {
  OverGenerated(state, [](const Party& p) {
    benchmark::DoNotOptimize(normalize::PhoneKey(p.phone, p.country));
  });
}
BENCHMARK(BM_GeneratedPhoneUncached);

void BM_GeneratedPerson(benchmark::State& state) {
  OverGenerated(state, [](const Party& p) {
    benchmark::DoNotOptimize(N().Person(p.first_name, p.last_name));
  });
}
BENCHMARK(BM_GeneratedPerson);

// One request line through the dispatcher, as pipe and serve run it.
void RunDispatch(benchmark::State& state, const std::string& request) {
  protocol::Dispatcher d(const_cast<Engine*>(&SharedEngine()));
  std::string line = request;
  line.append(protocol::kLinePadding, ' ');
  const std::string_view view(line.data(), request.size());
  std::string out;
  for (auto _ : state) {
    out.clear();
    d.Handle(view, &out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DispatchPing(benchmark::State& state) {
  RunDispatch(state, R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{}})");
}
BENCHMARK(BM_DispatchPing);

void BM_DispatchNormalize(benchmark::State& state) {
  RunDispatch(state,
              R"({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{)"
              R"("company":"ACME Deutschland GmbH","domain":"https://www.acme.de/en",)"
              R"("email":"J.Doe+webinar@acme.de","phone":"+49 89 1234567",)"
              R"("country":"DE"}}})");
}
BENCHMARK(BM_DispatchNormalize);

}  // namespace
}  // namespace leadroute

BENCHMARK_MAIN();
