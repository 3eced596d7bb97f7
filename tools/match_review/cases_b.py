# Record pairs from a match-quality review (2026-11), in ~30 countries: see cases_a.py and run.py.
C=[]
def add(cat, expect, name, a, b, key=None): C.append(dict(cat=cat,expect=expect,name=name,a=a,b=b,key=key))
def co(n,c,**k): d=dict(company=n,country=c); d.update(k); return d
S,D='same','diff'
# variant + full location context
for a,b,cc,st,pc,city in [("Acme International Ltd","Acme Intl Ltd","GB","","EC1A 1BB","London"),
  ("Mercy Hospital Center","Mercy Hosp. Ctr","US","","63141","St. Louis"),
  ("Skanska Sverige AB","Skanska Sweden AB","SE","","112 74","Stockholm"),
  ("Harbor Medical Center","Harbour Medical Centre","US","","02114","Boston"),
  ("Bau Müller GmbH","Müller Bau GmbH","DE","","80331","München"),
  ("IBM","International Business Machines Corporation","US","","10504","Armonk")]:
    add("M-company+postal+city",S,f"{a} ~ {b} (+postal+city)",co(a,cc,postal_code=pc,city=city),co(b,cc,postal_code=pc,city=city))
# single-token typos (blocking)
for a,b,cc in [("Accenture LLP","Accentrue LLP","US"),("Siemens AG","Siemes AG","DE"),("Capgemini SE","Capgemeni SE","FR"),
  ("Heineken N.V.","Heineken Nederland N.V.","NL"),("Globall Solutions Ltd","Global Solutions Ltd","GB"),("Volkswagen AG","Volkswagon AG","DE")]:
    add("M-company/typo-single-token",S,f"{a} ~ {b} (+city)",co(a,cc,city="X-Stadt"),co(b,cc,city="X-Stadt"))
# country spellings
for c1,c2 in [("GB","UK"),("DE","Deutschland"),("US","USA"),("DE","de"),("CH","Switzerland"),("GB","United Kingdom")]:
    add("M-country-code",S,f"country {c1} ~ {c2}",co("Acme Widgets Ltd",c1),co("Acme Widgets Ltd",c2))
add("M-country-code",S,"country DE ~ region DE-BY",co("Acme Widgets GmbH","DE"),dict(company="Acme Widgets GmbH",region="DE-BY"))
# more ISP / PEC
for d,n1,n2,cc in [("btconnect.com","Smith Plumbing Ltd","Jones Bakery Ltd","GB"),("a1.net","Bäckerei Huber","Elektro Gruber","AT"),
   ("ewe.net","Bäckerei Schulz","Elektro Weber","DE"),("mnet-online.de","Bäckerei Schulz","Elektro Weber","DE"),
   ("arubapec.it","Panificio Rossi Srl","Idraulica Bianchi Srl","IT"),("postecert.it","Panificio Rossi Srl","Idraulica Bianchi Srl","IT"),
   ("pec.aruba.it","Panificio Rossi Srl","Idraulica Bianchi Srl","IT"),("euskaltel.net","Panadería García","Fontanería López","ES")]:
    add("F-isp2",D,f"{n1} vs <..@{d}> (no company)",co(n1,cc,email=f"a.one@{d}"),dict(email=f"b.two@{d}",first_name="Max",last_name="Weber",country=cc))
    add("F-isp2",D,f"{n1} vs {n2} <..@{d}>",co(n1,cc,email=f"a.one@{d}"),co(n2,cc,email=f"b.two@{d}"))
# JP address: same block, different building
add("F-address-JP",D,"JP Marunouchi 1-1-1 vs 1-9-2",co("Alpha KK","JP",street="1-1-1 Marunouchi",postal_code="100-0005",city="Chiyoda-ku"),dict(street="1-9-2 Marunouchi",postal_code="100-0005",city="Chiyoda-ku",country="JP",phone="03-3333-4444"),key="address")
add("F-address-JP",D,"JP Marunouchi 1-1-1 vs 1-9-2 (name+address)",dict(last_name="Sato",first_name="Hiroshi",street="1-1-1 Marunouchi",postal_code="100-0005",city="Chiyoda-ku",country="JP"),dict(last_name="Sato",first_name="Hiroshi",street="1-9-2 Marunouchi",postal_code="100-0005",city="Chiyoda-ku",country="JP"),key="address")
add("F-address-JP",D,"JP Nishi-Shinjuku 2-8-1 vs 2-1-1",co("Beta KK","JP",street="2-8-1 Nishi-Shinjuku",postal_code="163-8001",city="Shinjuku-ku"),co("Gamma KK","JP",street="2-1-1 Nishi-Shinjuku",postal_code="163-8001",city="Shinjuku-ku"),key="address")
# city-only lifts weak evidence
add("F-city-lift",D,"person name + city only (common name)",dict(first_name="Thomas",last_name="Müller",city="München",country="DE"),dict(first_name="Thomas",last_name="Müller",city="München",country="DE"))
add("F-city-lift",D,"person name + city (John Smith London)",dict(first_name="John",last_name="Smith",city="London",country="GB",email="john@smithplumbing.co.uk"),dict(first_name="John",last_name="Smith",city="London",country="GB",email="jsmith@smith-carpentry.co.uk"))
add("F-city-lift",D,"person name + city (Maria Garcia Madrid)",dict(first_name="María",last_name="García",city="Madrid",country="ES"),dict(first_name="Maria",last_name="Garcia",city="Madrid",country="ES"))
add("F-city-lift",D,"company switchboard phone + city (shared reception)",co("Regus Client A Ltd","GB",phone="020 3000 1000",city="London"),dict(phone="+44 20 3000 1000",city="London",country="GB"))
add("F-city-lift",D,"acronym + city: ABC vs Atlantic Building Corp",co("ABC Inc","US",city="New York"),co("Atlantic Building Corp","US",city="New York"))
# phone formats, misc
add("M-phone/IT",S,"IT +39 (0)2 1234 5678 ~ 02 1234 5678",dict(phone="+39 (0)2 1234 5678",country="IT"),dict(phone="02 1234 5678",country="IT"),key="phone")
add("M-phone/DE",S,"DE switchboard 089 123456-0 ~ direct 089 123456-200",dict(phone="089 123456-0",country="DE"),dict(phone="089 123456-200",country="DE"),key="phone")
add("M-phone/US",S,"US 1-800-FLOWERS ~ 1-800-356-9377",dict(phone="1-800-FLOWERS",country="US"),dict(phone="1-800-356-9377",country="US"),key="phone")
add("M-phone/GB",S,"GB 0207 946 0018 (old style) ~ 020 7946 0018",dict(phone="0207 946 0018",country="GB"),dict(phone="020 7946 0018",country="GB"),key="phone")
add("M-phone/FR",S,"FR 01.42.68.53.00 ~ +33142685300",dict(phone="01.42.68.53.00",country="FR"),dict(phone="+33142685300",country="FR"),key="phone")
add("M-phone/cross",S,"DE deal phone '+49 89 1234567' given with country AT",dict(phone="+49 89 1234567",country="DE"),dict(phone="+49 89 1234567",country="AT"),key="phone")
add("M-phone/cross",S,"stored +49, deal '0049 89...' with country CH (intl prefix 00)",dict(phone="+49 89 1234567",country="DE"),dict(phone="0049 89 1234567",country="CH"),key="phone")
add("M-phone/cross",S,"stored +49, deal '011 49 89 1234567' from US",dict(phone="+49 89 1234567",country="DE"),dict(phone="011 49 89 1234567",country="US"),key="phone")
# domains
add("M-domain/hyphen",S,"acme-group.com ~ acmegroup.com (+company)",co("Acme Group GmbH","DE",domain="acme-group.com"),co("Acme Group GmbH","DE",domain="acmegroup.com"))
add("M-domain/other",S,"company same; one domain, other freemail contact",co("Acme GmbH","DE",domain="acme.de"),co("Acme GmbH","DE",email="acme.gmbh@gmail.com"))
add("M-domain/other",S,"company same; website acme.de vs email j.doe@acme-gmbh.de",co("Acme GmbH","DE",domain="acme.de"),co("Acme GmbH","DE",email="j.doe@acme-gmbh.de"))
add("M-email/format",S,"trailing ';' (Outlook list paste)",dict(email="j.doe@acme.de"),dict(email="j.doe@acme.de;"),key="email")
add("M-email/format",S,"trailing ',' ",dict(email="j.doe@acme.de"),dict(email="j.doe@acme.de,"),key="email")
add("M-email/format",S,"two addresses 'a; b'",dict(email="j.doe@acme.de"),dict(email="j.doe@acme.de; info@acme.de"),key="email")
# company variants, more countries
for a,b,cc in [("McDonald's","Mc Donald's","US"),("McDonald's","MacDonald's","US"),("Kühne + Nagel AG","Kuehne+Nagel AG","CH"),
  ("Kühne + Nagel AG","Kuehne und Nagel AG","CH"),("Mueller Industries Inc","Müller Industries Inc","US"),
  ("Banco Bilbao Vizcaya Argentaria","BBVA","ES"),("Caixabank S.A.","La Caixa","ES"),("Compagnie de Saint-Gobain","Cie de Saint-Gobain","FR"),
  ("Société Nationale des Chemins de fer Français","SNCF","FR"),("Ferrovie dello Stato Italiane","FS Italiane","IT"),
  ("Zürcher Kantonalbank","Zuercher Kantonalbank","CH"),("Hennes & Mauritz AB","H&M","SE"),("Hennes & Mauritz AB","H & M Hennes & Mauritz AB","SE"),
  ("Tata Consultancy Services","TCS","IN"),("Mahindra & Mahindra Ltd","Mahindra and Mahindra Limited","IN"),
  ("Petróleo Brasileiro S.A.","Petroleo Brasileiro SA - Petrobras","BR"),("Itaú Unibanco","Itau Unibanco Holding S.A.","BR"),
  ("Nippon Telegraph and Telephone","NTT","JP"),("Mitsubishi UFJ Financial Group","MUFG","JP"),
  ("Deutsche Telekom AG","Telekom Deutschland GmbH","DE"),("Allianz SE","Allianz Deutschland AG","DE"),
  ("ING Bank N.V.","ING","NL"),("ASML Holding N.V.","ASML","NL"),("Koninklijke Philips N.V.","Philips","NL"),
  ("Koninklijke KPN N.V.","KPN","NL"),("Royal Dutch Shell","Koninklijke Nederlandse Shell","NL"),("Telefonaktiebolaget LM Ericsson","Ericsson","SE"),
  ("Aktiebolaget Volvo","AB Volvo","SE"),("Aktiebolaget Volvo","Volvo AB","SE"),("Oy Karl Fazer Ab","Fazer","FI"),
  ("Powszechna Kasa Oszczędności Bank Polski","PKO Bank Polski","PL"),("Polski Koncern Naftowy Orlen","PKN Orlen","PL")]:
    add("M-company2",S,f"{a} ~ {b}",co(a,cc),co(b,cc))
