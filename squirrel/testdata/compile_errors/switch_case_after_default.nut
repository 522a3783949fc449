local x = 2;
switch (x) {
	case 1: print("one"); break;
	default: print("other"); break;
	case 2: print("two"); break;
}
