/** Name pools for the demo school: common names among Swedish children and adults today. */

export const girlsNames = [
  "Alice", "Maja", "Vera", "Elsa", "Astrid", "Wilma", "Freja", "Olivia", "Ella", "Ebba",
  "Selma", "Saga", "Agnes", "Alma", "Stella", "Lilly", "Signe", "Clara", "Ines", "Tyra",
  "Leah", "Edith", "Juni", "Hedda", "Nora", "Ellen", "Elin", "Moa", "Lova", "Meja",
  "Ida", "Emma", "Amira", "Yasmin", "Sara", "Noor", "Hanna", "Molly", "Siri", "Iris",
];

export const boysNames = [
  "Noah", "William", "Hugo", "Lucas", "Liam", "Oscar", "Elias", "Matteo", "Vincent", "Adam",
  "Nils", "Alexander", "Leo", "Charlie", "Theo", "Arvid", "Ludvig", "Olle", "Frans", "Harry",
  "Isak", "Sixten", "Viggo", "Malte", "Colin", "Love", "Melvin", "Edvin", "Otto", "Gustav",
  "Ali", "Omar", "Yusuf", "Elis", "Axel", "Filip", "Albin", "Jack", "Max", "Benjamin",
];

export const adultWomensNames = [
  "Anna", "Maria", "Karin", "Sara", "Emma", "Johanna", "Linda", "Sofia", "Jenny", "Malin",
  "Therese", "Camilla", "Frida", "Jessica", "Elin", "Hanna", "Lina", "Amina", "Fatima", "Ida",
];

export const adultMensNames = [
  "Johan", "Andreas", "Daniel", "Mikael", "Fredrik", "Marcus", "Erik", "David", "Peter", "Niklas",
  "Anders", "Jonas", "Christoffer", "Mattias", "Magnus", "Ahmed", "Mohammed", "Tobias", "Henrik", "Martin",
];

export const familyNames = [
  "Andersson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
  "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson",
  "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindgren", "Axelsson",
  "Berg", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund",
  "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund",
  "Danielsson", "Lundin", "Håkansson", "Björk", "Bergman", "Gunnarsson", "Holm", "Wikström",
  "Samuelsson", "Isaksson", "Fransson", "Bergqvist", "Nyström", "Holmberg", "Arvidsson", "Löfgren",
  "Söderberg", "Nyberg", "Blomqvist", "Claesson", "Hassan", "Ali", "Mohammed", "Abdi", "Nordström",
];
