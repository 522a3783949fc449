// Class and member attributes (</ key = value />), getattributes/setattributes.
class Device </ version = 2, author = "me" /> {
	</ units = "C", min = -40 />
	temperature = 0;
	</ deprecated = true />
	function read() { return temperature; }
	plain = 1;
}
local ca = Device.getattributes(null);
print("attr.class " + ca.version + " " + ca.author + "\n");
local ta = Device.getattributes("temperature");
print("attr.member " + ta.units + " " + ta.min + "\n");
print("attr.method " + Device.getattributes("read").deprecated + "\n");
print("attr.none " + (Device.getattributes("plain") == null) + "\n");
try { Device.getattributes("missing"); } catch (e) print("attr.missing ERR " + e + "\n");
local old = Device.setattributes("plain", { note = "set later" });
print("attr.set " + Device.getattributes("plain").note + " old=" + (old == null) + "\n");
Device.setattributes(null, { replaced = 1 });
print("attr.set.class " + Device.getattributes(null).replaced + " " + ("version" in Device.getattributes(null)) + "\n");
try { Device.setattributes("nope", {}); } catch (e) print("attr.set.missing ERR " + e + "\n");
local d = Device();
try { print("attr.instance " + d.getattributes(null) + "\n"); } catch (e) print("attr.instance ERR " + e + "\n");
class Sub extends Device { }
local sa = Sub.getattributes("temperature");
print("attr.inherited.member " + (sa == null ? "null" : sa.units) + "\n");
print("attr.inherited.class " + (Sub.getattributes(null) == null) + "\n");
class WithStaticAttr {
	</ kind = "counter" />
	static total = 0;
}
print("attr.static " + WithStaticAttr.getattributes("total").kind + "\n");
// attributes are evaluated expressions
local n = 10;
class Computed </ size = n * 2, label = "L" + n /> { }
print("attr.computed " + Computed.getattributes(null).size + " " + Computed.getattributes(null).label + "\n");
// newmember/rawnewmember with attributes before instantiation
class Dyn { }
Dyn.newmember("field", 5, { tag = "t" });
Dyn.rawnewmember("other", 6);
print("attr.newmember " + Dyn().field + " " + Dyn.getattributes("field").tag + " " + Dyn().other + "\n");
class Dyn2 { }
Dyn2.newmember("st", 1, null, true);
print("attr.newmember.static " + Dyn2.st + "\n");
local keys = [];
foreach (k, v in Device.getattributes("temperature")) keys.push(k);
keys.sort();
print("attr.keys " + keys[0] + "," + keys[1] + "\n");
