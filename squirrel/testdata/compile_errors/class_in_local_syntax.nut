local x = null;
class x { }
