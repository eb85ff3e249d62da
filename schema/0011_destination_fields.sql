-- DOMAIN.md "Code tables": keep them as data, never scattered through code. What an
-- 其他毕业去向登记 must say for each 毕业去向 was a list in registration.cpp (the 单位就业 codes
-- need the unit, 境内升学 the school, 境外留学 the country and the school, 自主创业 the company);
-- it is the code table's now. A comma-separated list of field keys, in the order they are asked
-- for; empty: nothing required (自由职业 and the 未就业 codes).
ALTER TABLE destination_codes ADD COLUMN required_fields TEXT NOT NULL DEFAULT '';
UPDATE destination_codes SET required_fields = 'unit' WHERE note = '单位就业';
UPDATE destination_codes SET required_fields = 'study_school' WHERE code = '80';
UPDATE destination_codes SET required_fields = 'country,study_school' WHERE code = '85';
UPDATE destination_codes SET required_fields = 'company' WHERE code = '75';
