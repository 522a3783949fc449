// String work: building, slicing, searching and splitting byte strings.
function run() {
	local s = "";
	for (local i = 0; i < 500; i++) s += "item" + i + ",";
	local parts = split(s, ",");
	local found = 0;
	foreach (p in parts) {
		if (p.find("9") != null) found++;
		local tail = p.slice(4);
		found += tail.len();
	}
	local up = s.slice(0, 200).toupper();
	local csv = "";
	for (local i = 0; i < 200; i++) csv += format("%d:%s;", i, parts[i]);
	return found + up.len() + csv.len();
}
