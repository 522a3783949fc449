print("a",
	"b",
);
