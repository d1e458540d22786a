namespace LlmObserve.Bench;

/// <summary>
/// Answers written for the <c>languages</c> command, eight languages, each with short replies (one line, the kind a
/// chat assistant gives) and long ones (a paragraph). Written for this bench, not taken from a corpus.
/// </summary>
internal static class LanguageSamples
{
    public static readonly IReadOnlyList<(string Code, bool Long, string Text)> All =
    [
        ("en", false, "Your order ships tomorrow."),
        ("en", false, "Sure, here is the summary."),
        ("en", false, "I could not find that invoice."),
        ("en", false, "The meeting moved to Friday."),
        ("en", false, "Try restarting the router first."),
        ("en", false, "That setting is under Preferences."),
        ("en", true, "Thanks for waiting. I checked your account and the refund was issued on Monday, so it should "
            + "appear on your card statement within three to five business days. If it has not arrived by then, "
            + "reply to this message and I will open a ticket with the payments team."),
        ("en", true, "The report compares the last two quarters. Revenue grew by eight percent, mostly from the new "
            + "subscription plan, while support costs stayed flat. The main risk is the delayed launch in Canada, "
            + "which the team now expects in the spring."),
        ("en", true, "To reset your password, open the login page and choose the link below the form. We will send "
            + "you an email with a code that is valid for fifteen minutes. Enter the code, pick a new password and "
            + "you are done."),
        ("fr", false, "Votre commande part demain."),
        ("fr", false, "Voici le résumé demandé."),
        ("fr", false, "Je n'ai pas trouvé cette facture."),
        ("fr", false, "La réunion est déplacée à vendredi."),
        ("fr", false, "Essayez d'abord de redémarrer la box."),
        ("fr", false, "Ce réglage se trouve dans les préférences."),
        ("fr", true, "Merci de votre patience. J'ai vérifié votre compte et le remboursement a été effectué lundi ; "
            + "il devrait apparaître sur votre relevé dans trois à cinq jours ouvrés. Sinon, répondez à ce message "
            + "et j'ouvrirai un dossier auprès du service des paiements."),
        ("fr", true, "Le rapport compare les deux derniers trimestres. Le chiffre d'affaires a progressé de huit pour "
            + "cent, surtout grâce à la nouvelle formule d'abonnement, tandis que les coûts du support sont restés "
            + "stables. Le principal risque reste le lancement retardé au Canada."),
        ("fr", true, "Pour réinitialiser votre mot de passe, ouvrez la page de connexion et choisissez le lien sous le "
            + "formulaire. Vous recevrez un courriel avec un code valable quinze minutes. Saisissez le code, "
            + "choisissez un nouveau mot de passe et c'est terminé."),
        ("de", false, "Ihre Bestellung wird morgen verschickt."),
        ("de", false, "Hier ist die Zusammenfassung."),
        ("de", false, "Ich habe die Rechnung nicht gefunden."),
        ("de", false, "Das Treffen ist auf Freitag verschoben."),
        ("de", false, "Starten Sie zuerst den Router neu."),
        ("de", false, "Die Einstellung finden Sie unter Optionen."),
        ("de", true, "Danke für Ihre Geduld. Ich habe Ihr Konto geprüft, und die Erstattung wurde am Montag "
            + "veranlasst. Sie sollte in drei bis fünf Werktagen auf Ihrer Kartenabrechnung erscheinen. Falls nicht, "
            + "antworten Sie auf diese Nachricht, und ich eröffne ein Ticket beim Zahlungsteam."),
        ("de", true, "Der Bericht vergleicht die letzten beiden Quartale. Der Umsatz stieg um acht Prozent, vor "
            + "allem durch das neue Abonnement, während die Supportkosten gleich blieben. Das größte Risiko ist der "
            + "verspätete Start in Kanada, der nun im Frühjahr erwartet wird."),
        ("de", true, "Um Ihr Passwort zurückzusetzen, öffnen Sie die Anmeldeseite und wählen den Link unter dem "
            + "Formular. Wir schicken Ihnen eine E-Mail mit einem Code, der fünfzehn Minuten gültig ist. Geben Sie "
            + "den Code ein und wählen Sie ein neues Passwort."),
        ("es", false, "Su pedido sale mañana."),
        ("es", false, "Aquí tiene el resumen."),
        ("es", false, "No encontré esa factura."),
        ("es", false, "La reunión se pasó al viernes."),
        ("es", false, "Pruebe primero a reiniciar el router."),
        ("es", false, "Ese ajuste está en Preferencias."),
        ("es", true, "Gracias por esperar. Revisé su cuenta y el reembolso se emitió el lunes, así que debería "
            + "aparecer en el extracto de su tarjeta en un plazo de tres a cinco días hábiles. Si no llega, responda "
            + "a este mensaje y abriré una incidencia con el equipo de pagos."),
        ("es", true, "El informe compara los dos últimos trimestres. Los ingresos crecieron un ocho por ciento, sobre "
            + "todo por el nuevo plan de suscripción, mientras que los costes de soporte se mantuvieron. El mayor "
            + "riesgo es el lanzamiento retrasado en Canadá."),
        ("es", true, "Para restablecer su contraseña, abra la página de inicio de sesión y elija el enlace debajo del "
            + "formulario. Le enviaremos un correo con un código válido durante quince minutos. Introduzca el código "
            + "y elija una contraseña nueva."),
        ("it", false, "Il tuo ordine parte domani."),
        ("it", false, "Ecco il riassunto richiesto."),
        ("it", false, "Non ho trovato quella fattura."),
        ("it", false, "La riunione è spostata a venerdì."),
        ("it", false, "Prova prima a riavviare il modem."),
        ("it", false, "Quell'opzione si trova nelle impostazioni."),
        ("it", true, "Grazie per l'attesa. Ho controllato il tuo account e il rimborso è stato emesso lunedì, quindi "
            + "dovrebbe comparire sull'estratto conto della carta entro tre o cinque giorni lavorativi. Se non "
            + "arriva, rispondi a questo messaggio e aprirò una segnalazione."),
        ("it", true, "Il rapporto confronta gli ultimi due trimestri. Il fatturato è cresciuto dell'otto per cento, "
            + "soprattutto grazie al nuovo abbonamento, mentre i costi dell'assistenza sono rimasti stabili. Il "
            + "rischio principale è il lancio ritardato in Canada."),
        ("it", true, "Per reimpostare la password, apri la pagina di accesso e scegli il collegamento sotto il modulo. "
            + "Ti invieremo un'email con un codice valido per quindici minuti. Inserisci il codice e scegli una "
            + "nuova password."),
        ("pt", false, "Seu pedido sai amanhã."),
        ("pt", false, "Aqui está o resumo pedido."),
        ("pt", false, "Não encontrei essa fatura."),
        ("pt", false, "A reunião passou para sexta-feira."),
        ("pt", false, "Tente reiniciar o roteador primeiro."),
        ("pt", false, "Essa opção fica nas configurações."),
        ("pt", true, "Obrigado por aguardar. Verifiquei sua conta e o reembolso foi emitido na segunda-feira, então "
            + "ele deve aparecer na fatura do cartão em três a cinco dias úteis. Se não chegar, responda a esta "
            + "mensagem e abrirei um chamado com a equipe de pagamentos."),
        ("pt", true, "O relatório compara os dois últimos trimestres. A receita cresceu oito por cento, principalmente "
            + "com o novo plano de assinatura, enquanto os custos de suporte ficaram estáveis. O maior risco é o "
            + "lançamento atrasado no Canadá."),
        ("pt", true, "Para redefinir sua senha, abra a página de login e escolha o link abaixo do formulário. Vamos "
            + "enviar um e-mail com um código válido por quinze minutos. Digite o código e escolha uma nova senha."),
        ("nl", false, "Je bestelling wordt morgen verzonden."),
        ("nl", false, "Hier is de samenvatting."),
        ("nl", false, "Ik kon die factuur niet vinden."),
        ("nl", false, "De vergadering is verplaatst naar vrijdag."),
        ("nl", false, "Probeer eerst de router opnieuw op te starten."),
        ("nl", false, "Die instelling staat onder Voorkeuren."),
        ("nl", true, "Bedankt voor je geduld. Ik heb je account bekeken en de terugbetaling is maandag gedaan, dus "
            + "die zou binnen drie tot vijf werkdagen op je afschrift moeten staan. Is dat niet zo, antwoord dan op "
            + "dit bericht en ik maak een melding aan bij het betalingsteam."),
        ("nl", true, "Het rapport vergelijkt de laatste twee kwartalen. De omzet groeide met acht procent, vooral door "
            + "het nieuwe abonnement, terwijl de supportkosten gelijk bleven. Het grootste risico is de uitgestelde "
            + "lancering in Canada."),
        ("nl", true, "Om je wachtwoord opnieuw in te stellen, open je de inlogpagina en kies je de link onder het "
            + "formulier. We sturen je een e-mail met een code die een kwartier geldig is. Vul de code in en kies "
            + "een nieuw wachtwoord."),
        ("pl", false, "Twoje zamówienie wyjdzie jutro."),
        ("pl", false, "Oto streszczenie, o które prosiłeś."),
        ("pl", false, "Nie znalazłem tej faktury."),
        ("pl", false, "Spotkanie przeniesiono na piątek."),
        ("pl", false, "Najpierw spróbuj zrestartować router."),
        ("pl", false, "To ustawienie jest w Preferencjach."),
        ("pl", true, "Dziękuję za cierpliwość. Sprawdziłem Twoje konto i zwrot został zlecony w poniedziałek, więc "
            + "powinien pojawić się na wyciągu z karty w ciągu trzech do pięciu dni roboczych. Jeśli nie, odpowiedz "
            + "na tę wiadomość, a otworzę zgłoszenie w dziale płatności."),
        ("pl", true, "Raport porównuje dwa ostatnie kwartały. Przychody wzrosły o osiem procent, głównie dzięki "
            + "nowemu abonamentowi, a koszty wsparcia pozostały bez zmian. Największym ryzykiem jest opóźnione "
            + "wejście na rynek kanadyjski."),
        ("pl", true, "Aby zresetować hasło, otwórz stronę logowania i wybierz link pod formularzem. Wyślemy Ci "
            + "wiadomość z kodem ważnym przez piętnaście minut. Wpisz kod i wybierz nowe hasło."),
    ];

    /// <summary>Short questions, the way users type them into a chat (the input side of a trace).</summary>
    public static readonly IReadOnlyList<(string Code, string Text)> Questions =
    [
        ("en", "Where is my order?"), ("en", "How do I reset my password?"), ("en", "Can I pay by card?"),
        ("fr", "Où est ma commande ?"), ("fr", "Comment changer mon mot de passe ?"),
        ("fr", "Je peux payer par carte ?"),
        ("de", "Wo ist meine Bestellung?"), ("de", "Wie ändere ich mein Passwort?"),
        ("de", "Kann ich mit Karte zahlen?"),
        ("es", "¿Dónde está mi pedido?"), ("es", "¿Cómo cambio mi contraseña?"), ("es", "¿Puedo pagar con tarjeta?"),
        ("it", "Dov'è il mio ordine?"), ("it", "Come cambio la password?"), ("it", "Posso pagare con la carta?"),
        ("pt", "Cadê o meu pedido?"), ("pt", "Como eu troco minha senha?"), ("pt", "Posso pagar com cartão?"),
        ("nl", "Waar is mijn bestelling?"), ("nl", "Hoe verander ik mijn wachtwoord?"),
        ("nl", "Kan ik met een kaart betalen?"),
        ("pl", "Gdzie jest moje zamówienie?"), ("pl", "Jak zmienić hasło?"), ("pl", "Czy mogę zapłacić kartą?"),
    ];
}
