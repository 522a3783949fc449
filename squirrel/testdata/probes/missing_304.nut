// Features added after 3.0.4 do not exist here and fail as on 3.0.4.
local t = { a = 1, b = 2 };
try { print("missing.table.keys " + t.keys() + "\n"); } catch (e) print("missing.table.keys ERR " + e + "\n");
try { print("missing.table.values " + t.values() + "\n"); } catch (e) print("missing.table.values ERR " + e + "\n");
try { print("missing.table.filter " + t.filter(@(k, v) true) + "\n"); } catch (e) print("missing.table.filter ERR " + e + "\n");
try { print("missing.table.map " + t.map(@(v) v) + "\n"); } catch (e) print("missing.table.map ERR " + e + "\n");
try { print("missing.string.startswith " + "abc".startswith("a") + "\n"); } catch (e) print("missing.string.startswith ERR " + e + "\n");
try { print("missing.string.endswith " + "abc".endswith("c") + "\n"); } catch (e) print("missing.string.endswith ERR " + e + "\n");
try { print("missing.startswith.global " + startswith("abc", "a") + "\n"); } catch (e) print("missing.startswith.global ERR " + e + "\n");
try { print("missing.endswith.global " + endswith("abc", "c") + "\n"); } catch (e) print("missing.endswith.global ERR " + e + "\n");
try { print("missing.escape " + escape("a\n") + "\n"); } catch (e) print("missing.escape ERR " + e + "\n");
try { print("missing.rawcall " + rawcall(print, this, "") + "\n"); } catch (e) print("missing.rawcall ERR " + e + "\n");
try { print("missing.closure.rawcall " + print.rawcall(this, "") + "\n"); } catch (e) print("missing.closure.rawcall ERR " + e + "\n");
try { print("missing.array.remove.value " + [1, 2].removevalue(1) + "\n"); } catch (e) print("missing.array.remove.value ERR " + e + "\n");
try { print("missing.array.totable " + [1].totable() + "\n"); } catch (e) print("missing.array.totable ERR " + e + "\n");
try { print("missing.string.split " + "a,b".split(",") + "\n"); } catch (e) print("missing.string.split ERR " + e + "\n");
try { print("missing.string.strip " + " a ".strip() + "\n"); } catch (e) print("missing.string.strip ERR " + e + "\n");
try { print("missing.int.abs " + (-1).abs() + "\n"); } catch (e) print("missing.int.abs ERR " + e + "\n");
try { print("missing.tointeger.base " + "ff".tointeger(16) + "\n"); } catch (e) print("missing.tointeger.base ERR " + e + "\n");
try { print("has.getinfos.native.typecheck " + typeof type.getinfos().typecheck + "\n"); } catch (e) print("has.getinfos ERR " + e + "\n");
try { print("missing.file.line " + __LINE__ + "\n"); } catch (e) print("missing.line ERR " + e + "\n");
try { print("missing.file " + __FILE__ + "\n"); } catch (e) print("missing.file ERR " + e + "\n");
try { print("missing.swap " + array(2).swap + "\n"); } catch (e) print("missing.swap ERR " + e + "\n");
try { print("has.class.newmember " + typeof class {}.newmember + "\n"); } catch (e) print("has.class.newmember ERR " + e + "\n");
// 3.0.4 has these
print("has.array.find " + [1, 2].find(2) + "\n");
print("has.closure.getinfos " + typeof print.getinfos() + "\n");
print("has.callee " + typeof callee + "\n");
