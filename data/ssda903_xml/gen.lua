--- Generator of the XML form of an SSDA903 return from its CSV extracts
-- (csc.ssda903.xml.write_from_csv): the fixtures of the XML reader.
--
--   ./csceval test data/ssda903_xml/gen.lua DIR PREFIX OUT.xml
--   e.g. ./csceval test data/ssda903_xml/gen.lua ../shared/data/ssda903/demand_model_fake 2017- /tmp/2017.xml
--
-- The tests (tests/lua/test_ssda903_xml.lua) write every synthetic return of
-- ../shared/data/ssda903/ in XML with it and check that the XML route gives
-- the same tables and validation failures as the CSV route.  Nothing random:
-- the same CSV files give the same bytes.
local dir, prefix, out = arg and arg[1], arg and arg[2], arg and arg[3]
if not (dir and prefix and out) then
  io.stderr:write("usage: csceval test data/ssda903_xml/gen.lua DIR PREFIX OUT.xml (PREFIX may be \"\")\n")
  return 2
end
local n, skipped = require("csc.ssda903.xml").write_from_csv(dir, prefix, out)
-- The XML of a synthetic return is synthetic: when the CSV extracts carry the
-- synthetic-data mark of csceval's generators, so does the XML (lua/csc/synthetic.lua)
local from = require("csc.data").mark_of(dir)
if from then
  require("csc.synthetic").write(out, { generator = "data/ssda903_xml/gen.lua",
    note = "the XML form of synthetic SSDA903 extracts (" .. (from.generator or "a csceval generator") .. ")" })
end
print(string.format("wrote %s (%d children)%s", out, n, #skipped > 0 and ("; not in the XML layout, so not written: "
  .. table.concat(skipped, ", ")) or ""))
return 0
