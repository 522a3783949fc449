// Comparison of integers with integers, floats, and the <=> operator.
print("cmp.lt " + (1 < 2) + " " + (2 < 1) + " " + (1 < 1) + "\n");
print("cmp.le " + (1 <= 2) + " " + (2 <= 1) + " " + (1 <= 1) + "\n");
print("cmp.gt " + (1 > 2) + " " + (2 > 1) + " " + (1 > 1) + "\n");
print("cmp.ge " + (1 >= 2) + " " + (2 >= 1) + " " + (1 >= 1) + "\n");
print("cmp.eq " + (1 == 1) + " " + (1 == 2) + "\n");
print("cmp.ne " + (1 != 1) + " " + (1 != 2) + "\n");
print("cmp.neg " + (-1 < 0) + " " + (-2147483647 - 1 < 2147483647) + "\n");
print("cmp.3way " + (1 <=> 2) + " " + (2 <=> 1) + " " + (3 <=> 3) + "\n");
print("cmp.3way.neg " + (-5 <=> 5) + " " + (5 <=> -5) + "\n");
print("cmp.3way.float " + (1.5 <=> 2.5) + " " + (2.5 <=> 1.5) + " " + (2.5 <=> 2.5) + "\n");
print("cmp.3way.mixed " + (1 <=> 1.0) + " " + (1 <=> 1.5) + " " + (2.0 <=> 1) + "\n");
print("cmp.3way.str " + ("a" <=> "b") + " " + ("b" <=> "a") + " " + ("a" <=> "a") + "\n");
print("cmp.3way.typeof " + typeof (1 <=> 2) + "\n");
print("cmp.mixed.eq " + (1 == 1.0) + " " + (1.0 == 1) + " " + (0 == 0.0) + " " + (0 == -0.0) + "\n");
print("cmp.mixed.lt " + (1 < 1.5) + " " + (2 < 1.5) + " " + (1.5 < 2) + "\n");
print("cmp.mixed.le " + (1 <= 1.0) + " " + (1.0 >= 1) + "\n");
print("cmp.mixed.ne " + (1 != 1.0) + " " + (1 != 1.1) + "\n");
print("cmp.str " + ("abc" < "abd") + " " + ("abc" < "ab") + " " + ("" < "a") + " " + ("B" < "a") + "\n");
print("cmp.str.eq " + ("abc" == "abc") + " " + ("abc" == "ab" + "c") + "\n");
print("cmp.bool.eq " + (true == true) + " " + (true == 1) + " " + (false == 0) + " " + (false == null) + "\n");
print("cmp.null.eq " + (null == null) + " " + (null == 0) + " " + (null == false) + "\n");
print("cmp.str.int.eq " + ("1" == 1) + "\n");
// ordering against null: null sorts below everything
print("cmp.null.lt " + (null < 1) + " " + (1 < null) + " " + (null < "a") + " " + (null <= null) + "\n");
print("cmp.null.3way " + (null <=> 1) + " " + (1 <=> null) + " " + (null <=> null) + "\n");
// incompatible types throw
try { print("cmp.int.str " + (1 < "2") + "\n"); } catch (e) print("cmp.int.str ERR " + e + "\n");
try { print("cmp.str.int " + ("2" > 1) + "\n"); } catch (e) print("cmp.str.int ERR " + e + "\n");
try { print("cmp.float.str " + (1.5 <= "x") + "\n"); } catch (e) print("cmp.float.str ERR " + e + "\n");
try { print("cmp.bool.int " + (true < 2) + "\n"); } catch (e) print("cmp.bool.int ERR " + e + "\n");
try { print("cmp.bool.bool " + (false < true) + "\n"); } catch (e) print("cmp.bool.bool ERR " + e + "\n");
try { print("cmp.table.int " + ({} < 1) + "\n"); } catch (e) print("cmp.table.int ERR " + e + "\n");
try { print("cmp.array.str " + ([] >= "a") + "\n"); } catch (e) print("cmp.array.str ERR " + e + "\n");
try { print("cmp.3way.bad " + (1 <=> "a") + "\n"); } catch (e) print("cmp.3way.bad ERR " + e + "\n");
try { print("cmp.float.bool " + (1.25 > false) + "\n"); } catch (e) print("cmp.float.bool ERR " + e + "\n");
// equality never throws
print("cmp.eq.mixedtypes " + (1 == "1") + " " + ([] == {}) + " " + ("a" == null) + "\n");
local t = {}, u = t;
print("cmp.eq.ref " + (t == u) + " " + (t == {}) + "\n");
local a = [1], b = [1];
print("cmp.eq.array " + (a == b) + " " + (a == a) + "\n");
// chained comparison is (a < b) < c and compares bool with int -> error
try { print("cmp.chain " + (1 < 2 < 3) + "\n"); } catch (e) print("cmp.chain ERR " + e + "\n");
