local function check(v)
  if v < 0 then error({ msg = "negative" }) end
end
check(1)
check(-1)
